using System.Text.Json;

namespace Flock.Tests.Support;

/// <summary>What tests read from `flock encode --report`.</summary>
public static class EncodeReport
{
    /// <summary>Each chunk's frame count, in chunk order: where the chunks start in the output.</summary>
    public static List<int> ChunkFrameCounts(string reportJson)
    {
        using var json = JsonDocument.Parse(reportJson);
        return json.RootElement.GetProperty("chunks").EnumerateArray()
            .OrderBy(c => c.GetProperty("index").GetInt32())
            .Select(c => c.GetProperty("frames").GetInt32())
            .ToList();
    }
}
