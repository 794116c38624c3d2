using System.Diagnostics;
using System.Text.Json;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// A node SIGKILLed in the two transfer phases: reading its chunk's source (over the cluster transport, its link slowed
/// so the kill lands inside the read), and sending its result (over the web side, where the proxy slows it and shows
/// the open upload).
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
        var source = await rig.ClipAsync();
        var id = await rig.SubmitAsync(source);

        // Mid-download: node-a encodes a chunk, reading its source as it goes, and the seed has sent it some bytes.
        await UntilAsync(async () => HeldBy(await rig.Cluster.JobAsync(id), "node-a").Count > 0 && await SourceBytesSentAsync(rig) > 16 * 1024,
            "node-a reading its source");
        // node-b is up before the kill, so the time measured is detection and reassignment, not a join.
        var b = await rig.NodeAsync("node-b", viaProxy: false);
        var held = HeldBy(await rig.Cluster.JobAsync(id), "node-a");
        Assert.NotEmpty(held);
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
        await using var rig = await FaultRig.StartAsync();
        rig.Proxy.Throttle(16 * 1024, 0);
        var victim = await rig.NodeAsync("node-a", viaProxy: true);
        var source = await rig.ClipAsync();
        var id = await rig.SubmitAsync(source);

        var uploading = () => rig.Proxy.Connections.FirstOrDefault(c => c.Uploading && c.BytesSincePut > 16 * 1024);
        await UntilAsync(uploading, "node-a uploading");
        var b = await rig.NodeAsync("node-b", viaProxy: false);
        // node-b's start takes seconds, in which node-a's first upload may have all but finished (CI saw it arrive whole
        // just before the kill): the upload with the least sent so far is the one the kill surely interrupts.
        var upload = await UntilAsync(() => rig.Proxy.Connections.Where(c => c.Uploading && c.BytesSincePut > 16 * 1024).MinBy(c => c.BytesSincePut),
            "node-a uploading");
        var (index, attempt) = FaultRig.UploadOf(upload);
        victim.KillHard();
        // Otherwise node-a's kernel would still deliver the upload bytes it had buffered, and the chunk would arrive whole.
        rig.Proxy.Sever();
        var clock = Stopwatch.StartNew();

        var (_, recovery) = await rig.WaitForAsync(id, clock, j => FaultRig.Chunk(j, index).GetProperty("attempts").GetInt32() > attempt
            && FaultRig.Chunk(j, index).GetProperty("node").GetString() != "node-a", $"chunk {index} reassigned");
        var job = await rig.AssertCompletedExactlyAsync(id, source, victim, b);
        Assert.Equal("node-b", FaultRig.Chunk(job, index).GetProperty("node").GetString());
        ReliabilityLog.Record("node SIGKILLed while uploading its result (its connections reset, buffered bytes lost)",
            "control connection reset: the seed releases the chunk at once", recovery, "nothing",
            nameof(Node_killed_while_uploading_its_result_should_not_lose_the_chunk));
    }

    private static async Task<ProxyConnection> UntilAsync(Func<ProxyConnection?> phase, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (phase() is { } connection) return connection;
            Assert.True(DateTime.UtcNow < until, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
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
