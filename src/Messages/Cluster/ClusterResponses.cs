namespace Flock.Messages.Cluster;

/// <summary>Member statuses as Akka names them: joining, up, leaving, exiting, unreachable, down.</summary>
public static class MemberStatus
{
    public const string Joining = "joining";
    public const string Up = "up";
    public const string Leaving = "leaving";
    public const string Exiting = "exiting";
    public const string Unreachable = "unreachable";
    public const string Down = "down";

    /// <summary>Connected, but given no new chunks for a while because its chunks kept failing.</summary>
    public const string Quarantined = "quarantined";
}

/// <summary>Whether the seed hears from a member, for `pbm cluster show`: reachable or unreachable.</summary>
public static class Reachability
{
    public const string Reachable = "reachable";
    public const string Unreachable = "unreachable";
}

/// <summary>
/// A member. <paramref name="Reachability"/> is reachable while heartbeats arrive on a live connection;
/// <paramref name="LastHeartbeatSeconds"/> is how long ago the seed last heard from it.
/// </summary>
public sealed record NodeResponse(
    string Name,
    string Address,
    string Status,
    double Power,
    int Cores,
    IReadOnlyList<string> Work,
    string FfmpegVersion,
    string Reachability = Reachability.Unreachable,
    double LastHeartbeatSeconds = 0,
    DateTimeOffset? QuarantinedUntil = null,
    string? Paused = null);

/// <summary>
/// A member of the Akka cluster as Akka.Cluster sees it (the seed's own included): its address, roles, status
/// (joining, up, leaving, exiting, down), whether the seed reaches it, and the Flock node it belongs to when known.
/// </summary>
public sealed record ClusterMemberResponse(string Address, IReadOnlyList<string> Roles, string Status, string Reachability, string? Node);

/// <param name="Members">Every member of the Akka cluster; members that left or were removed are not listed.</param>
/// <param name="Leader">The Akka cluster's leader (the member that moves others up and removes the downed); null without one.</param>
/// <param name="Queue">The job queue's actor, with the address of the member it runs on (a cluster singleton on the oldest
/// `seed` member); null until it has answered.</param>
public sealed record ClusterResponse(IReadOnlyList<NodeResponse> Nodes, IReadOnlyList<ClusterMemberResponse>? Members = null, string? Leader = null, string? Queue = null);

/// <summary>
/// One thing that happened to a member, for `pbm cluster tail`: <paramref name="Kind"/> is joined, up, leaving,
/// exiting, unreachable, reachable, downed, removed or quarantined; <paramref name="Sequence"/> grows by one per event.
/// </summary>
public sealed record ClusterEventResponse(long Sequence, DateTimeOffset At, string Kind, string? Address, string? Node, string Detail);

/// <param name="Next">The sequence to ask after next time; <paramref name="Events"/> are those after the one asked for.</param>
public sealed record ClusterEventsResponse(IReadOnlyList<ClusterEventResponse> Events, long Next);

/// <summary>What `cluster down-unreachable` downed: Akka members by address, Flock nodes by name.</summary>
public sealed record DownUnreachableResponse(IReadOnlyList<string> Members, IReadOnlyList<string> Nodes);
