using System.Text.Json;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>The seed's live progress (job fps and ETA, chunk percent and fps) as a real job runs on real nodes.</summary>
public sealed class LiveProgressTests
{
    private static bool MidEncode(JsonElement chunk) =>
        chunk.GetProperty("state").GetString() == "encoding"
        && chunk.GetProperty("percent").GetDouble() is > 0 and < 100
        && chunk.GetProperty("fps").ValueKind == JsonValueKind.Number && chunk.GetProperty("fps").GetDouble() > 0;

    [Fact]
    public async Task Running_job_should_report_throughput_eta_and_per_chunk_percent_and_fps_and_pbm_watch_should_follow_it()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("watched-a", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await cluster.PacedFfmpegAsync() });
        var source = await ClusterTests.BusyClipAsync(cluster.Scratch);
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 3, ClusterTests.Options);
        var watch = cluster.PbmAsync("job", "watch", id);
        var watchJson = cluster.PbmAsync("job", "watch", id, "--json");

        var running = await cluster.WaitForJobAsync(id,
            j => j.GetProperty("framesPerSecond").ValueKind == JsonValueKind.Number && j.GetProperty("framesPerSecond").GetDouble() > 0
                 && j.GetProperty("etaSeconds").ValueKind == JsonValueKind.Number && j.GetProperty("etaSeconds").GetDouble() > 0
                 && j.GetProperty("chunks").EnumerateArray().Any(MidEncode),
            TimeSpan.FromMinutes(3), "a job with a rate, an ETA and a chunk mid-encode");
        foreach (var chunk in running.GetProperty("chunks").EnumerateArray())
        {
            var percent = chunk.GetProperty("percent").GetDouble();
            Assert.InRange(percent, 0, 100);
            if (chunk.GetProperty("state").GetString() == "done") Assert.Equal(100, percent);
            if (chunk.GetProperty("state").GetString() == "pending") Assert.Equal(JsonValueKind.Null, chunk.GetProperty("fps").ValueKind);
        }

        var done = await cluster.WaitForJobAsync(id, j => j.GetProperty("state").GetString() is "completed" or "failed", TimeSpan.FromMinutes(4), "the job to end");
        Assert.Equal("completed", done.GetProperty("state").GetString());
        Assert.All(done.GetProperty("chunks").EnumerateArray(), c => Assert.Equal(100, c.GetProperty("percent").GetDouble()));
        Assert.Equal(0, done.GetProperty("etaSeconds").GetDouble());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("framesPerSecond").ValueKind);
        Assert.True(done.GetProperty("averageFramesPerSecond").GetDouble() > 0);
        Assert.True(done.GetProperty("elapsedSeconds").GetDouble() > 0);
        var fetched = cluster.Scratch.File("fetched.mp4");
        var fetch = await cluster.PbmAsync("job", "fetch", id, fetched);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        var written = new FileInfo(fetched).Length;
        Assert.Equal(written, done.GetProperty("outputBytes").GetInt64());
        Assert.Equal(written, done.GetProperty("expectedOutputBytes").GetInt64());

        // One steady node: the ETA the seed gave at every poll only ever went down while encoding.
        var (jsonExit, json, jsonErr) = await watchJson;
        Assert.True(jsonExit == 0, jsonErr);
        var polls = json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var etas = polls.Where(p => p.GetProperty("state").GetString() == "encoding" && p.GetProperty("etaSeconds").ValueKind == JsonValueKind.Number)
            .Select(p => p.GetProperty("etaSeconds").GetDouble()).ToList();
        Assert.True(etas.Count > 2, json);
        Assert.All(etas.Skip(1).Select((e, i) => (Last: etas[i], Next: e)), p => Assert.True(p.Next <= p.Last, $"eta climbed {p.Last} -> {p.Next}: {string.Join(", ", etas)}"));
        // While encoding, the verified chunks' bytes so far came with the total they extrapolate to.
        Assert.Contains(polls, p => p.GetProperty("state").GetString() == "encoding" && p.GetProperty("outputBytes").ValueKind == JsonValueKind.Number
            && p.GetProperty("expectedOutputBytes").GetInt64() >= p.GetProperty("outputBytes").GetInt64());

        // Redirected, watch prints plain blocks: a job line with a bar, current and average rate, elapsed and ETA, then
        // node | chunk | state | fps | percent rows, encoding ones with a rate.
        var (exit, stdout, stderr) = await watch;
        Assert.True(exit == 0, stderr);
        Assert.Matches($@"(?m)^{id} encoding \[[#-]{{10}}\] .* \| now \d+\.\d fps, avg \d+\.\d fps \| elapsed \d+(m\d\ds|s) \| eta \d+(m\d\ds|s) \| size \d+(\.\d)? [KMG]iB of ~\d+(\.\d)? [KMG]iB$", stdout);
        Assert.Matches($@"(?m)^watched-a \| {id}/\d+ \| encoding \| \d+\.\d fps \| \d+\.\d%$", stdout);
        // The node's reserve: a chunk it holds but has not started, with no rate.
        Assert.Matches($@"(?m)^watched-a \| {id}/\d+ \| reserved \| - \| 0\.0%$", stdout);
        Assert.DoesNotMatch(@"(?m)\| reserved \| \d", stdout); // a reserved chunk has no rate to show
        Assert.EndsWith($"{id} completed", stdout.TrimEnd(), StringComparison.Ordinal);
    }
}
