using System.Collections.Immutable;
using Flock.Messages.Cluster;

namespace Flock.Seed.Cluster;

/// <summary>A member of the cluster and its lifecycle: joining → up → (leaving → exiting | unreachable) → down.</summary>
/// <param name="DownedMember">the address of its Akka member that was downed: it stays unreachable until a fresh member of it is up, even while its control channel answers.</param>
public sealed record Member(
    NodeHandle Handle,
    string Address,
    string Status,
    double Power,
    int Cores,
    string FfmpegVersion,
    DateTimeOffset LastSeen,
    ImmutableSortedSet<string> Work,
    NodeHealth Health,
    int FreeSlots = 0,
    string? DownedMember = null,
    string? Paused = null)
{
    public string Name => Handle.Name;

    public bool IsConnected => Status is MemberStatus.Joining or MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Quarantined;

    public NodeResponse ToResponse(DateTimeOffset now) => new(Name, Address, Status, Math.Round(Power, 2), Cores, Work.ToArray(), FfmpegVersion,
        IsConnected ? Reachability.Reachable : Reachability.Unreachable, Math.Round(Math.Max(0, (now - LastSeen).TotalSeconds), 1), Health.QuarantinedUntil,
        Paused);
}
