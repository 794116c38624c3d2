using System.Diagnostics;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>Faults on the cluster transport itself: Akka.Remote between a node and the seed runs through a proxy that cuts it.</summary>
public sealed class ClusterTransportFaultTests
{
    [Fact]
    public async Task Node_cut_off_on_the_cluster_transport_should_be_downed_and_rejoin_after_the_heal_without_losing_work()
    {
        // The seed listens on one port and announces the proxy's (remote-public-port, as behind a port forward), so
        // every member reaches it through the proxy.
        var remotePort = FlockProcess.FreePort();
        await using var proxy = new TcpProxy(remotePort);
        using var cluster = new TestCluster(tls: false);
        var seed = await cluster.StartSeedAsync(config: FaultRig.SeedConfig + $"\nflock.seed {{ remote-port = {remotePort}, remote-public-port = {proxy.Port} }}\n",
            env: new Dictionary<string, string> { ["FLOCK_SEED_REMOTE_PORT"] = remotePort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Contains($"cluster member akka.ssl.tcp://flock@127.0.0.1:{proxy.Port} ", seed.Output, StringComparison.Ordinal);
        var node = await cluster.StartNodeAsync("node-a", config: FaultRig.NodeConfig + "\nflock.node.benchmark-seconds = 0.5\n");
        await node.WaitForOutputAsync("cluster member up", TimeSpan.FromSeconds(30));
        var source = cluster.Scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=8", "-f", "lavfi", "-i", "sine=d=8",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-shortest", source]);
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 2, FaultRig.Options);

        proxy.BlackHole();
        var clock = Stopwatch.StartNew();
        // Control messages share the cut transport: the node's heartbeats stop, its chunks go back, then its member is
        // downed by the Split Brain Resolver and removed, which ends its control session.
        await seed.WaitForOutputAsync("node node-a is unreachable", TimeSpan.FromSeconds(60));
        var removed = clock.Elapsed;
        Assert.Contains((await cluster.NodeAsync("node-a")).GetProperty("status").GetString(), new[] { "unreachable", "down" });
        await seed.WaitForOutputAsync("removed (roles [encoder])", TimeSpan.FromSeconds(60));
        // Whichever the seed hears first ends it: the removed member's connection closing, or DeathWatch on its link.
        await seed.WaitForOutputAsync("node node-a is down: ", TimeSpan.FromSeconds(30));
        // Downed by its own Split Brain Resolver, or first told by Akka.Remote that the seed's association is gone (a
        // race under load): either way it ends that member and starts a fresh one.
        await node.WaitForOutputAsync("joining again with a fresh system", TimeSpan.FromSeconds(60));

        // Healed: the node's fresh member joins again (a second "cluster member up"), it is up again, and the job completes.
        proxy.Pass();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (node.Output.Split("cluster member up").Length < 3 && DateTime.UtcNow < until) await Task.Delay(200);
        Assert.True(node.Output.Split("cluster member up").Length >= 3, "node-a's member should join again after the heal:\n" + node.Output + "\nseed:\n" + seed.Output);
        Assert.False(node.HasExited);
        until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await cluster.NodeAsync("node-a")).GetProperty("status").GetString() != "up" && DateTime.UtcNow < until) await Task.Delay(200);
        Assert.Equal("up", (await cluster.NodeAsync("node-a")).GetProperty("status").GetString());

        var wait = await cluster.PbmAsync("job", "wait", id);
        Assert.True(wait.ExitCode == 0, wait.Stderr + "\nseed:\n" + seed.Output);
        var job = await cluster.JobAsync(id);
        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.Equal(job.GetProperty("totalFrames").GetInt32(), job.GetProperty("chunks").EnumerateArray().Sum(c => c.GetProperty("frames").GetInt32()));
        await FaultRig.AssertFetchedEqualsReferenceAsync(cluster, id, source);
        ReliabilityLog.Record("node cut off on the cluster transport (Akka.Remote through a proxy), then healed",
            "Akka.Cluster failure detector, then the Split Brain Resolver (keep-oldest, stable-after = unreachable-after, 3 s in the test)",
            removed, "nothing (its member was downed and its chunks went back to the queue; it joined again with a fresh ActorSystem and took work again)",
            nameof(Node_cut_off_on_the_cluster_transport_should_be_downed_and_rejoin_after_the_heal_without_losing_work));
    }
}
