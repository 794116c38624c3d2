using Akka.Actor;
using Flock.Messages.Cluster;
using Flock.Seed.Cluster;
using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Cluster;

/// <summary>
/// A node that takes no chunks for now, by its own word (its work dir short of space), must leave the queue's reckoning
/// altogether: counted as a peer, the placement kept the job's last chunk back for it (it was the faster node) while
/// the node that asked sat idle, and the job never finished.
/// </summary>
public sealed class NodePauseTests
{
    private const string Node = "node-1";

    [Fact]
    public async Task A_paused_node_should_withdraw_from_the_queue_and_come_back_when_it_asks_again()
    {
        await using var seed = new SeedClusterView(Node);
        seed.Connect("s1", 2001);
        seed.Say("s1", new ReportBenchmark(2, 60));
        seed.Say("s1", new RequestWork(2));
        Assert.Contains(await seed.JobsAsync(), m => m is WorkWanted { FreeSlots: 2 });

        seed.Say("s1", new RequestWork(0, "work dir 48 KiB free, min-free-space 64.0 MiB"));

        Assert.Contains(await seed.JobsAsync(), m => m is WorkWithdrawn { NodeName: Node });
        Assert.Equal("work dir 48 KiB free, min-free-space 64.0 MiB", (await seed.NodeAsync()).Paused);
        var idle = await seed.Cluster.Ask<IdleNodesResponse>(new FetchIdleNodes(), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(Node, idle.Idle);
        Assert.False(idle.Powers.ContainsKey(Node), "a paused node's power made it the place the last chunks waited for");

        seed.Say("s1", new RequestWork(2));
        var told = (await seed.JobsAsync()).ToList();
        Assert.Contains(told.Skip(told.FindLastIndex(m => m is WorkWithdrawn) + 1), m => m is WorkWanted { FreeSlots: 2 });
        Assert.Null((await seed.NodeAsync()).Paused);
    }
}
