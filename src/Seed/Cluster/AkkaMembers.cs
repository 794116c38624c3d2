using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Flock.Messages.Cluster;
using Flock.Seed.Hosting;

namespace Flock.Seed.Cluster;

/// <summary>
/// The Akka cluster's members as the seed's member sees them, built from Akka.Cluster's events, and which Flock node
/// each encoder member belongs to (from the node's <see cref="ReportMember"/>, which may come before or after the
/// member's own events). Removed members drop off.
/// </summary>
public sealed record AkkaMembers(ImmutableSortedDictionary<string, ClusterMemberResponse> ByAddress, ImmutableDictionary<string, string> Reported)
{
    public static readonly AkkaMembers Empty = new(ImmutableSortedDictionary.Create<string, ClusterMemberResponse>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, string>(StringComparer.Ordinal));

    public AkkaMembers Apply(ClusterEvent.IMemberEvent e)
    {
        var key = e.Member.Address.ToString();
        if (e is ClusterEvent.MemberRemoved) return this with { ByAddress = ByAddress.Remove(key), Reported = Reported.Remove(key) };
        var reachability = ByAddress.GetValueOrDefault(key)?.Reachability ?? Reachability.Reachable;
        return this with
        {
            ByAddress = ByAddress.SetItem(key, new ClusterMemberResponse(key, e.Member.Roles.Order(StringComparer.Ordinal).ToArray(), StatusOf(e.Member.Status), reachability, null)),
        };
    }

    public AkkaMembers Apply(ClusterEvent.IReachabilityEvent e)
    {
        var key = (e as ClusterEvent.ReachabilityEvent)?.Member.Address.ToString() ?? "";
        if (!ByAddress.TryGetValue(key, out var known)) return this;
        var reachability = e is ClusterEvent.UnreachableMember ? Reachability.Unreachable : Reachability.Reachable;
        return this with { ByAddress = ByAddress.SetItem(key, known with { Reachability = reachability }) };
    }

    /// <summary>A node's member is now at <paramref name="address"/>; any address it reported before is no longer its.</summary>
    public AkkaMembers Named(string address, string node) =>
        this with { Reported = Reported.RemoveRange(Reported.Where(r => r.Value == node).Select(r => r.Key)).SetItem(address, node) };

    /// <summary>The node's encoder member, if it reported one that is still a member. Only encoder members count: a node cannot name the seed's.</summary>
    public Address? AddressOf(string node) =>
        Reported.FirstOrDefault(r => r.Value == node).Key is { } key && ByAddress.TryGetValue(key, out var member) && member.Roles.Contains(ClusterTransport.EncoderRole)
            ? Address.Parse(key) : null;

    /// <summary>The node an encoder member belongs to, when it said so.</summary>
    public string? NodeOf(string address) => Reported.GetValueOrDefault(address);

    public IReadOnlyList<ClusterMemberResponse> ToResponse() =>
        ByAddress.Values.Select(m => m.Roles.Contains(ClusterTransport.EncoderRole) && Reported.TryGetValue(m.Address, out var node) ? m with { Node = node } : m).ToArray();

    private static string StatusOf(Akka.Cluster.MemberStatus status) => status switch
    {
        Akka.Cluster.MemberStatus.Joining or Akka.Cluster.MemberStatus.WeaklyUp => Flock.Messages.Cluster.MemberStatus.Joining,
        Akka.Cluster.MemberStatus.Up => Flock.Messages.Cluster.MemberStatus.Up,
        Akka.Cluster.MemberStatus.Leaving => Flock.Messages.Cluster.MemberStatus.Leaving,
        Akka.Cluster.MemberStatus.Exiting => Flock.Messages.Cluster.MemberStatus.Exiting,
        _ => Flock.Messages.Cluster.MemberStatus.Down,
    };
}
