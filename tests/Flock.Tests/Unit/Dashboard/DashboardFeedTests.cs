using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Flock.Seed.Dashboard;
using Xunit;

namespace Flock.Tests.Unit.Dashboard;

/// <summary>What the dashboard's overview derives: each node's chunks by what it does with them, and one event feed.</summary>
public sealed class DashboardFeedTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static NodeResponse Node(string name) => new(name, "127.0.0.1:1", MemberStatus.Up, 1, 2, [], "ffmpeg 7");

    private static JobResponse Job(string id, params ChunkResponse[] chunks) =>
        new(id, JobStates.Encoding, null, "in.mp4", "out.mp4", 0, 4, [], T0, null, 100, 0, chunks);

    private static ChunkResponse Chunk(int index, params ChunkRunResponse[] runs) => new(index, ChunkStates.Encoding, runs.Length, runs[0].Node, 0, Runs: runs);

    [Fact]
    public void A_node_should_list_what_it_encodes_apart_from_what_waits_in_its_reserve()
    {
        var jobs = new[]
        {
            Job("4", Chunk(0, new ChunkRunResponse(1, "a", ChunkStates.Encoding)), Chunk(1, new ChunkRunResponse(1, "a", ChunkStates.Assigned)),
                Chunk(2, new ChunkRunResponse(1, "b", ChunkStates.Verifying), new ChunkRunResponse(2, "a", ChunkStates.Assigned))),
            Job("5", Chunk(0, new ChunkRunResponse(1, "b", ChunkStates.Encoding))),
        };

        var held = DashboardFeed.NodeChunks([Node("a"), Node("b"), Node("idle")], jobs);

        Assert.Equal(["4/0"], held["a"].Encoding);
        Assert.Equal(["4/1", "4/2"], held["a"].Reserved);
        Assert.Equal(["5/0"], held["b"].Encoding);
        Assert.Equal(["4/2"], held["b"].Verifying);
        Assert.Empty(held["idle"].Encoding.Concat(held["idle"].Reserved).Concat(held["idle"].Verifying));
    }

    [Fact]
    public void The_feed_should_interleave_both_logs_newest_first_and_keep_only_the_latest()
    {
        var cluster = new[]
        {
            new ClusterEventResponse(1, T0, "up", "akka.tcp://flock@127.0.0.1:4054", null, "cluster member, roles [encoder]"),
            new ClusterEventResponse(2, T0.AddSeconds(30), "quarantined", null, "b", "until 12:02:30"),
        };
        var jobs = new[]
        {
            new JobEventResponse(1, T0.AddSeconds(10), JobEventKinds.ChunkFailed, "4", 2, "b", "chunk 2 attempt 1 failed on b: boom"),
            new JobEventResponse(2, T0.AddSeconds(40), JobEventKinds.JobFailed, "4", null, null, "job 4 failed: boom"),
        };

        var feed = DashboardFeed.Merge(cluster, jobs, 3);
        var all = DashboardFeed.Merge(cluster, jobs, 10);

        Assert.Equal([JobEventKinds.JobFailed, "quarantined", JobEventKinds.ChunkFailed], feed.Select(e => e.Kind));
        Assert.Equal(["job", "cluster", "job"], feed.Select(e => e.Source));
        Assert.Equal("4", feed[0].JobId);
        Assert.Equal(4, all.Count);
        Assert.Equal("akka.tcp://flock@127.0.0.1:4054: cluster member, roles [encoder]", all[^1].Detail);
    }
}
