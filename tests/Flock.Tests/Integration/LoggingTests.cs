using System.Text.Json;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>JSON console logs: one object per line, and the lines about a chunk carry its job and index as fields.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task Json_log_lines_about_a_chunk_should_carry_its_job_id_and_chunk_index()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync(["--log-format", "json"]);
        var node = await cluster.StartNodeAsync("node-j", env: new Dictionary<string, string> { ["FLOCK_LOG_FORMAT"] = "json" });
        var source = await TestClips.ConstantFrameRateMp4();
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 2, [.. ReferenceEncode.DefaultVideoOptions]);
        var wait = await cluster.PbmAsync("job", "wait", id);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr);

        var seedVerified = ChunkLines(seed.Output, id).Where(s => s.GetProperty("{OriginalFormat}").GetString()!.Contains("verified", StringComparison.Ordinal)).ToList();
        var chunks = (await cluster.JobAsync(id)).GetProperty("chunks").GetArrayLength();
        Assert.True(seedVerified.Count == chunks, $"expected one 'verified' line per chunk ({chunks}), got {seedVerified.Count}:\n{seed.Output}");
        Assert.Equal(Enumerable.Range(0, chunks), seedVerified.Select(s => s.GetProperty("ChunkIndex").GetInt32()).Order());
        Assert.All(seedVerified, s => Assert.Equal("node-j", s.GetProperty("Node").GetString()));

        var nodeEncoding = ChunkLines(node.Output, id).Where(s => s.GetProperty("{OriginalFormat}").GetString()!.Contains("encoding", StringComparison.Ordinal)).ToList();
        Assert.True(nodeEncoding.Count == chunks, $"expected one 'encoding' line per chunk on the node, got {nodeEncoding.Count}:\n{node.Output}");
        Assert.All(nodeEncoding, s => Assert.Equal(1, s.GetProperty("Attempt").GetInt32()));
    }

    [Fact]
    public async Task Unknown_log_format_should_be_one_clear_error()
    {
        var run = await FlockProcess.RunAsync(["seed", "--urls", $"http://127.0.0.1:{FlockProcess.FreePort()}", "--log-format", "xml"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: log format 'xml' is neither text nor json", run.Stderr.Trim());
    }

    /// <summary>The State of every JSON log line whose JobId field is this job and that has a ChunkIndex field.</summary>
    private static IEnumerable<JsonElement> ChunkLines(string output, string jobId)
    {
        foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith('{')) continue;
            var state = JsonDocument.Parse(line).RootElement.Clone().TryGetProperty("State", out var s) ? s : default;
            if (state.ValueKind != JsonValueKind.Object) continue;
            if (state.TryGetProperty("JobId", out var job) && job.ToString() == jobId && state.TryGetProperty("ChunkIndex", out _))
                yield return state;
        }
    }
}
