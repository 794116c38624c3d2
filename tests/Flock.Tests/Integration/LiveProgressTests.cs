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

        // Redirected, watch prints plain blocks: a job line with a bar, current and average rate, elapsed and ETA, then
        // node | chunk | state | fps | percent rows, encoding ones with a rate.
        var (exit, stdout, stderr) = await watch;
        Assert.True(exit == 0, stderr);
        Assert.Matches($@"(?m)^{id} encoding \[[#-]{{10}}\] .* \| now \d+\.\d fps, avg \d+\.\d fps \| elapsed \d+(m\d\ds|s) \| eta \d+(m\d\ds|s)$", stdout);
        Assert.Matches($@"(?m)^watched-a \| {id}/\d+ \| encoding \| \d+\.\d fps \| \d+\.\d%$", stdout);
        Assert.DoesNotMatch(@"(?m)\| reserved \| \d", stdout); // a reserved chunk has no rate to show
        Assert.EndsWith($"{id} completed", stdout.TrimEnd(), StringComparison.Ordinal);
    }
}
