using System.Collections.Immutable;
using System.Reflection;
using Akka.Actor;
using Akka.Cluster;
using Akka.Util;
using Flock.Messages.Cluster;
using Flock.Seed.Cluster;
using Flock.Seed.Hosting;
using Flock.Seed.Jobs;
using Xunit;
using AkkaMember = Akka.Cluster.Member;
using AkkaStatus = Akka.Cluster.MemberStatus;
using MemberStatus = Flock.Messages.Cluster.MemberStatus;

namespace Flock.Tests.Unit.Cluster;

/// <summary>
/// Node loss is cluster membership, but only of the member a node's session runs from: a node that came back with a
/// fresh member (after its seed member stopped) must not lose its new session's work when the coordinator hears of
/// its old member's removal late, and a node that is out and back must be given the work it asked for meanwhile.
/// </summary>
public sealed class NodeMemberDowningTests
{
    private const string Node = "node-1";

    [Fact]
    public async Task Removal_of_a_nodes_old_member_should_not_take_the_work_of_its_session_from_a_fresh_member()
    {
        await using var seed = new SeedClusterView(Node);
        seed.Connect("s2", 2002);
        // What a node that had joined from the old member sent first on its new session (fixed on the node, not relied on).
        seed.Say("s2", new ReportMember(AddressAt(2001)));
        seed.Say("s2", new ReportBenchmark(1, 30));
        seed.Say("s2", new RequestWork(2));

        seed.Cluster.Tell(new ClusterEvent.MemberRemoved(MemberAt(2001, AkkaStatus.Removed), AkkaStatus.Down));

        Assert.Equal(MemberStatus.Up, await seed.StatusAsync());
        Assert.DoesNotContain(await seed.JobsAsync(), m => m is NodeGone);
    }

    [Fact]
    public async Task A_node_whose_own_member_was_downed_should_lose_its_work_and_be_given_work_again_once_its_fresh_member_is_up()
    {
        await using var seed = new SeedClusterView(Node);
        seed.Connect("s1", 2001);
        seed.Say("s1", new ReportMember(AddressAt(2001)));
        seed.Say("s1", new ReportBenchmark(1, 30));

        seed.Cluster.Tell(new ClusterEvent.MemberDowned(MemberAt(2001, AkkaStatus.Down)));
        Assert.Equal(MemberStatus.Unreachable, await seed.StatusAsync());
        Assert.Contains(await seed.JobsAsync(), m => m is NodeGone { NodeName: Node });

        // Asked while out: not passed on.
        seed.Say("s1", new RequestWork(2));
        Assert.DoesNotContain(await seed.JobsAsync(), m => m is WorkWanted);

        seed.Say("s1", new ReportMember(AddressAt(2003)));
        Assert.Equal(MemberStatus.Up, await seed.StatusAsync());
        Assert.Contains(await seed.JobsAsync(), m => m is WorkWanted { FreeSlots: 2 });
    }

    private static string AddressAt(int port) => $"akka.ssl.tcp://flock@127.0.0.1:{port}";

    /// <summary>Akka.Cluster makes members itself (its factory is internal); the seed only reads them from its events.</summary>
    private static AkkaMember MemberAt(int port, AkkaStatus status)
    {
        var create = typeof(AkkaMember).GetMethod("Create", BindingFlags.NonPublic | BindingFlags.Static,
            [typeof(UniqueAddress), typeof(int), typeof(AkkaStatus), typeof(ImmutableHashSet<string>), typeof(AppVersion)])!;
        return (AkkaMember)create.Invoke(null, [new UniqueAddress(Address.Parse(AddressAt(port)), port), 1, status, ImmutableHashSet.Create(ClusterTransport.EncoderRole), AppVersion.Zero])!;
    }
}
