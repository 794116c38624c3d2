using System.Text.Json;

namespace Flock.Tests.Support;

/// <summary>What `job show` says of a job, from its JSON: stage, frames, and every chunk with every attempt.</summary>
public static class JobShown
{
    /// <summary>Compared before and after a seed restart or a compaction: none of it may change.</summary>
    public static string Of(JsonElement job) => JsonSerializer.Serialize(new
    {
        state = job.GetProperty("state").GetString(),
        encoded = job.GetProperty("encodedFrames").GetInt32(),
        total = job.GetProperty("totalFrames").GetInt32(),
        chunks = job.GetProperty("chunks").EnumerateArray().Select(c => new
        {
            index = c.GetProperty("index").GetInt32(),
            state = c.GetProperty("state").GetString(),
            attempts = c.GetProperty("attempts").GetInt32(),
            node = c.GetProperty("node").ToString(),
            frames = c.GetProperty("frames").GetInt32(),
            history = c.TryGetProperty("history", out var h) && h.ValueKind == JsonValueKind.Array ? h.EnumerateArray().Select(a => a.ToString()).ToList() : [],
        }).ToList(),
    });
}
