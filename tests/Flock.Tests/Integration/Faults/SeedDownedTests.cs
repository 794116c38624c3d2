using System.Diagnostics;
using Akka.Actor;
using Flock.Messages.Cluster;
using Flock.Messages.Security;
using Flock.Node.Connection;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// The seed's own member downed by the cluster. Akka's Split Brain Resolver downs both ends of an unreachability seen
/// while the two still gossip through others (indirectly connected): a starved or flaky node can take the seed with it.
/// bench/scale saw it at 100 simulated members on two cores. The seed must come back on its own, not exit.
/// </summary>
public sealed class SeedDownedTests
{
    [Fact]
    public async Task Seed_whose_member_the_cluster_downed_should_start_a_fresh_member_and_finish_the_job_exactly()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync(config: FaultRig.SeedConfig);
        var node = await cluster.StartNodeAsync("node-a", config: FaultRig.NodeConfig);
        await node.WaitForOutputAsync("cluster member up", TimeSpan.FromSeconds(30));
        var source = cluster.Scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=10", "-f", "lavfi", "-i", "sine=d=10",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-shortest", source]);
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 2, FaultRig.Options);
        var before = await cluster.WaitForJobAsync(id, j => FaultRig.Chunks(j).Any(c => c.GetProperty("state").GetString() == "done"),
            TimeSpan.FromMinutes(3), "a verified chunk");
        var verified = FaultRig.Chunks(before).Where(c => c.GetProperty("state").GetString() == "done").Select(c => c.GetProperty("index").GetInt32()).ToList();

        // Another member downs the seed's, as the leader's Split Brain Resolver does with an indirectly connected seed.
        using var link = new SeedLink($"127.0.0.1:{cluster.Port}", new KnownSeeds(cluster.KnownSeedsFile));
        using var enrollment = await ClusterEnrollment.EnrollAsync(link, new ClusterKey(cluster.Key), "downer", CancellationToken.None);
        Assert.NotNull(enrollment);
        var pid = seed.Id;
        var clock = Stopwatch.StartNew();
        await using (var member = await MemberSystem.StartAsync(enrollment.Certificate, enrollment.CheckPeer, enrollment.SeedAddress))
        {
            await member.WaitUntilUpAsync(TimeSpan.FromSeconds(30));
            clock.Restart();
            Akka.Cluster.Cluster.Get(member.System).Down(Address.Parse(enrollment.SeedAddress));
            await seed.WaitForOutputAsync("the seed's own cluster member was downed by the cluster: starting a fresh member", TimeSpan.FromSeconds(60));
        }
        await seed.WaitForOutputAsync("again, as a fresh cluster member", TimeSpan.FromSeconds(60));
        Assert.False(seed.HasExited, "the seed exited instead of starting a fresh member:\n" + seed.Output);
        Assert.Equal(pid, seed.Id);

        // The node finds its seed gone, enrolls again with the fresh member and takes work from the recovered queue.
        await node.WaitForOutputAsync("joining again with a fresh system", TimeSpan.FromSeconds(60));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (node.Output.Split("cluster member up").Length < 3 && DateTime.UtcNow < until) await Task.Delay(200);
        Assert.True(node.Output.Split("cluster member up").Length >= 3, "node-a's fresh member should join the seed's fresh member:\n" + node.Output + "\nseed:\n" + seed.Output);
        var recovery = clock.Elapsed;
        var wait = await cluster.PbmAsync("job", "wait", id);
        Assert.True(wait.ExitCode == 0, wait.Stderr + "\nseed:\n" + seed.Output);
        var job = await cluster.JobAsync(id);
        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.Equal(job.GetProperty("totalFrames").GetInt32(), FaultRig.Chunks(job).Sum(c => c.GetProperty("frames").GetInt32()));
        // Verified before the downing and journalled: never encoded again.
        foreach (var index in verified)
            Assert.Equal(FaultRig.Chunk(before, index).GetProperty("attempts").GetInt32(), FaultRig.Chunk(job, index).GetProperty("attempts").GetInt32());
        await FaultRig.AssertFetchedEqualsReferenceAsync(cluster, id, source);
        ReliabilityLog.Record("seed's own cluster member downed by another member (what the Split Brain Resolver does to an indirectly connected seed)",
            "the seed sees its member removed; `flock seed` starts a fresh member in the same process (1 s back-off), nodes enroll again",
            recovery, "nothing (the queue and every job came back from the journal; verified chunks kept attempt 1)",
            nameof(Seed_whose_member_the_cluster_downed_should_start_a_fresh_member_and_finish_the_job_exactly));
    }
}
