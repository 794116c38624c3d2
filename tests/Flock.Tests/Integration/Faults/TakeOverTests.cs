using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// At the end of a job a chunk may wait in a busy node's reserve while another node has nothing to do: the idle node
/// takes it over at once (no work is done twice), instead of the job waiting for the busy node to get to it.
/// </summary>
public sealed class TakeOverTests
{
    // Speculation off: only a take-over can move the reserved chunk.
    private const string NoSpeculation = "flock.seed.speculation.enabled = false";

    // Both nodes at power 1.00: a take-over is refused when the idle node's benchmark says it would finish later than
    // the holder, and benchmarks taken at different loads of a shared 2-core machine made the fast node look under half
    // the slow one's power (CI failed so on 2796e04: the slow node ran both chunks).
    private const string AlikeNodes = "flock.node.benchmark-seconds = 0";

    [Fact]
    public async Task Chunk_waiting_in_a_busy_nodes_reserve_should_be_taken_over_by_an_idle_node()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync(config: NoSpeculation);
        // Every chunk encode on this node waits until the test opens the gate. The fast node must join and run out of
        // pending chunks before the slow one starts its reserve: fixed waits of 15 s, then 30 s, were not always enough
        // with the suite's heaviest tests beside it on 2 cores, and 60 s kept the test a minute longer than it needed.
        var gate = cluster.Scratch.File("slow-node-may-encode");
        var slowFfmpeg = await cluster.GatedChunkFfmpegAsync(gate);
        var slow = await cluster.StartNodeAsync("slow", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = slowFfmpeg }, config: AlikeNodes);
        await seed.WaitForOutputAsync("node slow is up", TimeSpan.FromSeconds(60));

        var source = await TestClips.ConstantFrameRateMp4();
        var output = cluster.Scratch.File("out.mp4");
        var id = await cluster.SubmitDetachedAsync(source, output, 1, [.. ReferenceEncode.DefaultVideoOptions]);
        // The slow node fills its slot and its reserve before the other node joins.
        var held = await cluster.WaitForJobAsync(id, j => FaultRig.Chunks(j).Count(c => c.GetProperty("node").GetString() == "slow") == 2,
            TimeSpan.FromSeconds(60), "two chunks on the slow node");
        var slowChunks = FaultRig.Chunks(held).Where(c => c.GetProperty("node").GetString() == "slow").Select(c => c.GetProperty("index").GetInt32()).ToList();
        await cluster.StartNodeAsync("fast", config: AlikeNodes);
        await seed.WaitForOutputAsync("idle node fast takes it over from slow's reserve", TimeSpan.FromSeconds(180));
        await File.WriteAllTextAsync(gate, "");

        var wait = await cluster.PbmAsync("job", "wait", id);

        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr);
        var chunks = FaultRig.Chunks(await cluster.JobAsync(id)).ToList();
        // The one it started stays with it; the one in its reserve was taken over, under a new attempt, by the idle node.
        var taken = slowChunks.Where(i => chunks[i].GetProperty("node").GetString() == "fast").ToList();
        Assert.True(taken.Count == 1, $"chunks {string.Join(",", slowChunks)} held by slow, taken over: {taken.Count}\n{seed.Output}");
        var index = taken[0];
        Assert.Equal(2, chunks[index].GetProperty("attempts").GetInt32());
        Assert.Equal("slow", chunks[slowChunks.Single(i => i != index)].GetProperty("node").GetString());
        Assert.Contains($"chunk {index}: idle node fast takes it over from slow's reserve", seed.Output, StringComparison.Ordinal);
        Assert.Contains($"chunk {index} attempt 1 cancelled: chunk {index} was taken over by idle node fast", slow.Output, StringComparison.Ordinal);
        var fetch = await cluster.PbmAsync("job", "fetch", id, output);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        var reference = await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), [.. ReferenceEncode.DefaultVideoOptions]);
        await MediaComparer.AssertEquivalentAsync(reference, output);
    }
}
