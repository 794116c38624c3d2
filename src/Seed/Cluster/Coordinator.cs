using Akka.Cluster;
using Flock.Seed.Hosting;

namespace Flock.Seed.Cluster;

/// <summary>
/// Which seed member coordinates: the oldest `seed` member not yet removed, where the queue singleton and with
/// it every job and chunk actor run. The others stand by: their web side forwards to the coordinator's, and their
/// node gateway turns sessions away, so no Flock message ever has to cross between seed members.
/// </summary>
public static class Coordinator
{
    /// <summary>
    /// The coordinating member as this member's view of the cluster has it; null while none is up. A downed or exiting
    /// oldest still counts until it is removed: the singleton proxies route to it until then, and the next oldest
    /// starts the queue only after that, so a member that answered for the queue sooner would ask a dead one.
    /// </summary>
    public static Akka.Cluster.Member? Of(Akka.Cluster.Cluster cluster) =>
        cluster.State.Members
            .Where(m => m.HasRole(ClusterTransport.SeedRole) && m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Down or MemberStatus.Exiting)
            .OrderBy(m => m, Akka.Cluster.Member.AgeOrdering)
            .FirstOrDefault();

    public static bool IsSelf(Akka.Cluster.Cluster cluster) => Of(cluster)?.UniqueAddress.Equals(cluster.SelfUniqueAddress) == true;
}
