using System.Diagnostics;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>A node far slower than the rest must not hold a job back: its chunks run again elsewhere and it is stopped.</summary>
public sealed class SpeculationTests
{
    private const string SpeculateQuickly = "flock.seed.speculation { min-elapsed = 2s, check-interval = 500ms }";

    [Fact]
    public async Task Straggling_chunk_should_be_run_again_on_an_idle_node_and_the_slow_attempt_cancelled()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync(config: SpeculateQuickly);
        // Its chunk encodes stall for minutes before ffmpeg even starts; the benchmark and probes run normally.
        var stall = await cluster.SlowChunkFfmpegAsync(283);
        await cluster.StartNodeAsync("slow", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = stall });
        await seed.WaitForOutputAsync("node slow is up", TimeSpan.FromSeconds(60));
        await cluster.StartNodeAsync("fast");
        await seed.WaitForOutputAsync("node fast is up", TimeSpan.FromSeconds(60));

        var source = await TestClips.ConstantFrameRateMp4();
        var output = cluster.Scratch.File("out.mp4");
        var clock = Stopwatch.StartNew();
        var id = await cluster.SubmitDetachedAsync(source, output, 1, [.. ReferenceEncode.DefaultVideoOptions]);
        var stalled = await cluster.WaitForJobAsync(id, j => FaultRig.Chunks(j).Any(c => c.GetProperty("node").GetString() == "slow"),
            TimeSpan.FromMinutes(1), "a chunk on the slow node");
        var slowIndexes = FaultRig.Chunks(stalled).Where(c => c.GetProperty("node").GetString() == "slow").Select(c => c.GetProperty("index").GetInt32()).ToList();
        Assert.NotEmpty(slowIndexes);
        // Speculation starts only once nothing is pending (else the idle node takes pending work): the straggler costs
        // the job the time from then until its chunks run again on the fast node.
        TimeSpan? nothingPending = null;
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < until)
        {
            var chunksNow = FaultRig.Chunks(await cluster.JobAsync(id)).ToList();
            if (nothingPending is null && chunksNow.All(c => c.GetProperty("state").GetString() != "pending")) nothingPending = clock.Elapsed;
            if (slowIndexes.All(i => chunksNow[i].GetProperty("attempts").GetInt32() >= 2)) break;
            await Task.Delay(100);
        }
        Assert.NotNull(nothingPending);
        var recovery = clock.Elapsed - nothingPending.Value;
        var wait = await cluster.PbmAsync("job", "wait", id);

        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr);
        var job = await cluster.JobAsync(id);
        var chunks = FaultRig.Chunks(job).ToList();
        Assert.All(chunks, c => Assert.Equal("fast", c.GetProperty("node").GetString()));
        Assert.All(slowIndexes, i => Assert.Equal(2, chunks[i].GetProperty("attempts").GetInt32()));
        var fetch = await cluster.PbmAsync("job", "fetch", id, output);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        var reference = await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), [.. ReferenceEncode.DefaultVideoOptions]);
        await MediaComparer.AssertEquivalentAsync(reference, output);

        // The losing attempt is killed on the slow node, not left to sleep and encode for nothing.
        var slow = await WaitUntilAsync(() => TestCluster.ProcessesMentioning(stall).Count == 0 && TestCluster.ProcessesMentioning("sleep 283").Count == 0,
            TimeSpan.FromSeconds(30));
        Assert.True(slow, $"the slow node's stalled ffmpeg still runs: {string.Join(", ", TestCluster.ProcessesMentioning(stall))}");
        ReliabilityLog.Record("one node much slower than the rest (its chunk encodes stall)",
            "chunk still running past speculation.min-elapsed while another node is idle (timed from the last pending chunk handed out to the straggler's second attempt)",
            recovery, "nothing (speculative attempt won; slow attempt cancelled, its ffmpeg killed)",
            nameof(Straggling_chunk_should_be_run_again_on_an_idle_node_and_the_slow_attempt_cancelled));
    }


    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(200);
        }
        return true;
    }
}
