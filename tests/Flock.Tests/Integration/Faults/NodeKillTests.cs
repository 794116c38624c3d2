using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// A node SIGKILLed in the two transfer phases, both over the cluster transport with its link slowed so the kill lands
/// inside them: reading its chunk's source, and sending its result.
/// </summary>
public sealed class NodeKillTests
{
    [Fact]
    public async Task Node_killed_while_downloading_its_chunk_should_not_lose_the_chunk()
    {
        // Source bytes travel over the cluster transport: node-a's whole link is slowed to a quarter of the clip's bit
        // rate, so its source reads take seconds (its heartbeats share the link, as they would on a slow uplink).
        await using var rig = await FaultRig.StartAsync(isolatedNode: true);
        await rig.Network!.ThrottleAsync(24 * 1024, TimeSpan.FromSeconds(1));
        var victim = await rig.IsolatedNodeAsync("node-a");
        await victim.WaitForOutputAsync("cluster member up", TimeSpan.FromSeconds(30));
        // Enough chunks that some are still pending when node-b is up: with 8, a node-b slow to start on a loaded machine
        // found node-a between chunks with nothing left for it (node-b had taken the rest and its reserve), once in a full run.
        var source = await rig.ClipAsync(24);
        var id = await rig.SubmitAsync(source);

        // Mid-download: node-a encodes a chunk, reading its source as it goes, and the seed has sent it some bytes.
        await UntilAsync(async () => HeldBy(await rig.Cluster.JobAsync(id), "node-a").Count > 0 && await SourceBytesSentAsync(rig) > 16 * 1024,
            "node-a reading its source");
        // node-b is up before the kill, so the time measured is detection and reassignment, not a join. node-a may be
        // between two chunks when it is: it is killed once it holds one again (it reads a chunk's source at once).
        var b = await rig.NodeAsync("node-b");
        List<(int Index, int Attempts)> held = [];
        await UntilAsync(async () => (held = HeldBy(await rig.Cluster.JobAsync(id), "node-a")).Count > 0, "node-a holding a chunk with node-b up");
        victim.KillHard();
        var clock = Stopwatch.StartNew();

        var (_, recovery) = await rig.WaitForAsync(id, clock, j => held.All(h => Reassigned(j, h)), "node-a's chunks reassigned");
        await rig.AssertCompletedExactlyAsync(id, source, victim, b);
        ReliabilityLog.Record("node SIGKILLed while downloading its chunk's source (over the cluster transport, on a slow link)",
            "its heartbeats stop; its member is downed and removed, which ends its control session", recovery, "nothing",
            nameof(Node_killed_while_downloading_its_chunk_should_not_lose_the_chunk));
    }

    private static async Task<double> SourceBytesSentAsync(FaultRig rig) =>
        PrometheusText.Parse(await rig.Cluster.Http.GetStringAsync("/metrics")).Value("flock_source_sent_bytes_total");

    private static async Task UntilAsync(Func<Task<bool>> phase, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!await phase())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Node_killed_while_uploading_its_result_should_not_lose_the_chunk()
    {
        // Results also travel over the cluster transport: node-a's link, slow for its megabytes of results, keeps each
        // on the way for seconds.
        await using var rig = await FaultRig.StartAsync(isolatedNode: true);
        await rig.Network!.ThrottleAsync(1 << 20, TimeSpan.FromMilliseconds(250));
        var victim = await rig.IsolatedNodeAsync("node-a");
        var source = await rig.BulkyClipAsync();
        var id = await rig.SubmitAsync(source, chunkSeconds: 2);

        await rig.UntilPartialUploadAsync(id, atLeast: 256 * 1024);
        var b = await rig.NodeAsync("node-b");
        // node-b's start takes seconds, in which node-a's first result may have all but arrived: the one node-a sends
        // with the least in so far is the one the kill surely interrupts (node-b's own are in and gone at once).
        FaultRig.PartialUpload? upload = null;
        await UntilAsync(async () =>
        {
            var held = HeldBy(await rig.Cluster.JobAsync(id), "node-a");
            upload = rig.PartialUploads(id).Where(p => p.Bytes >= 256 * 1024 && held.Contains((p.Index, p.Attempt))).MinBy(p => p.Bytes);
            return upload is not null;
        }, "node-a sending a result");
        var seedLogBefore = rig.Cluster.Seed!.Output.Length;
        // From the kill: the seed may let node-a go while the link is still being cut (the first port of this row
        // started its clock after the cut and read 0.0 s).
        var clock = Stopwatch.StartNew();
        victim.KillHard();
        // Otherwise node-a's kernel would still send what the dead process had queued, and the result would arrive whole.
        await rig.Network.CutAsync();

        // Measured to the seed releasing node-a's chunks (its session ending): node-b may already run a speculative copy
        // of the chunk, so the chunk's own record can show it elsewhere before the seed knows node-a is gone.
        var released = new Regex(@"node node-a is (down|unreachable)");
        while (!released.IsMatch(rig.Cluster.Seed.Output[seedLogBefore..]))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the seed never let node-a go:\n{rig.Cluster.Seed.Output}");
            await Task.Delay(20);
        }
        var recovery = clock.Elapsed;
        var lost = upload!;
        await rig.WaitForAsync(id, clock, j => Reassigned(j, (lost.Index, lost.Attempt)), $"chunk {lost.Index} reassigned");
        var job = await rig.AssertCompletedExactlyAsync(id, source, victim, b);
        Assert.Equal("node-b", FaultRig.Chunk(job, lost.Index).GetProperty("node").GetString());
        ReliabilityLog.Record("node SIGKILLed while uploading its result (over the cluster transport; its link cut, so nothing it had queued arrives)",
            "its cluster connection closes, or its heartbeats stop and its member is downed; either ends its session and releases its chunks", recovery, "nothing",
            nameof(Node_killed_while_uploading_its_result_should_not_lose_the_chunk));
    }

    private static List<(int Index, int Attempts)> HeldBy(JsonElement job, string node) =>
        FaultRig.Chunks(job).Where(c => c.GetProperty("node").GetString() == node && c.GetProperty("state").GetString() is "assigned" or "encoding")
            .Select(c => (c.GetProperty("index").GetInt32(), c.GetProperty("attempts").GetInt32())).ToList();

    private static bool Reassigned(JsonElement job, (int Index, int Attempts) held)
    {
        var chunk = FaultRig.Chunk(job, held.Index);
        return chunk.GetProperty("attempts").GetInt32() > held.Attempts && chunk.GetProperty("node").GetString() != "node-a";
    }
}
