using System.Diagnostics;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>When the seed goes away under a live view, pbm says so within seconds, naming the address it really uses.</summary>
public sealed class PbmUnreachableSeedTests
{
    [Fact]
    public async Task Job_watch_should_say_the_seed_is_unreachable_within_seconds_naming_https()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("watched", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await cluster.PacedFfmpegAsync() });
        var source = await ClusterTests.BusyClipAsync(cluster.Scratch);
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 3, ClusterTests.Options);
        using var watch = FlockProcess.Start(["pbm", $"127.0.0.1:{cluster.Port}", "job", "watch", id], cluster.ClientEnvironment());
        await watch.WaitForOutputAsync($"{id} encoding", TimeSpan.FromMinutes(2));

        seed.KillHard();
        var gone = Stopwatch.StartNew();
        await watch.WaitForOutputAsync("seed unreachable for ", TimeSpan.FromSeconds(15));
        Assert.True(gone.Elapsed < TimeSpan.FromSeconds(8), $"pbm took {gone.Elapsed.TotalSeconds:0.0}s to say the seed was gone");
        // The seed was reached over TLS (a bare HOST:PORT): that is the scheme the line names.
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(watch.Output, $@"seed unreachable for \d+s, retrying \(cannot reach seed at https://127\.0\.0\.1:{cluster.Port}: "),
            watch.Output);
        Assert.DoesNotContain("http://", watch.Output, StringComparison.Ordinal);
        // The last known state stays on screen above it.
        Assert.Contains($"{id} encoding", watch.Output.Split("seed unreachable")[^2], StringComparison.Ordinal);
    }
}
