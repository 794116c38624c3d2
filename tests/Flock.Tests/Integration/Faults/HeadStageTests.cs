using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// The first chunks go out while the seed still reads the whole source; a node that is done with its head chunk
/// meanwhile is idle with nothing pending, which is exactly when speculation looks for work. That moment must not
/// break the job (it once failed the job actor on the missing whole plan and, through a 30 s ask timeout, the queue).
/// </summary>
public sealed class HeadStageTests
{
    [Fact]
    public async Task Idle_node_while_the_whole_source_is_still_read_should_neither_crash_nor_stall_the_job()
    {
        using var cluster = new TestCluster();
        // The whole-file packet listing takes 8 s; the head's (a read interval) and every other probe run as usual.
        var slowListing = await cluster.ScriptAsync("ffprobe-slow-listing",
            "case \"$*\" in *read_intervals*) ;; *packet=pts,flags*-of\\ csv=p=0*) sleep 8 ;; esac\nexec ffprobe \"$@\"\n");
        var seed = await cluster.StartSeedAsync(config: "flock.seed.speculation { min-elapsed = 1s, check-interval = 300ms }",
            env: new Dictionary<string, string> { ["FLOCK_FFPROBE"] = slowListing });
        // This node's chunk encodes wait 4 s before ffmpeg starts: its head chunk is still out when the other is idle.
        var slowFfmpeg = await cluster.SlowChunkFfmpegAsync(4);
        await cluster.StartNodeAsync("slow", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = slowFfmpeg });
        await cluster.StartNodeAsync("fast");
        await seed.WaitForOutputAsync("node fast is up", TimeSpan.FromSeconds(60));
        await seed.WaitForOutputAsync("node slow is up", TimeSpan.FromSeconds(60));

        var source = await TestClips.ConstantFrameRateMp4();
        var output = cluster.Scratch.File("out.mp4");
        var id = await cluster.SubmitDetachedAsync(source, output, 0.5, [.. ReferenceEncode.DefaultVideoOptions]);
        await seed.WaitForOutputAsync($"job {id} chunk 1 attempt 1 assigned", TimeSpan.FromSeconds(30));
        var wait = await cluster.PbmAsync("job", "wait", id);

        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr);
        Assert.DoesNotContain("failed while handling", seed.Output, StringComparison.Ordinal);
        var fetch = await cluster.PbmAsync("job", "fetch", id, output);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        var reference = await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), [.. ReferenceEncode.DefaultVideoOptions]);
        await MediaComparer.AssertEquivalentAsync(reference, output);
    }
}
