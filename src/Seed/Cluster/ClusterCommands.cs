using Flock.Messages.Cluster;

namespace Flock.Seed.Cluster;

public sealed record NodeConnected(NodeHandle Handle, string Address, int Cores, string FfmpegVersion, IReadOnlyList<HeldResult> Held);

/// <param name="Ordinary">The seed itself is stopping: losing the node then is expected, not worth a warning.</param>
public sealed record NodeDisconnected(string Name, string SessionId, string Reason, bool Ordinary = false);

/// <summary>Any control message from a node: proof of life, and the message itself to act on.</summary>
public sealed record NodeMessage(string Name, string SessionId, ControlMessage Message);

/// <summary>Replied to with <see cref="ClusterResponse"/>.</summary>
public sealed record FetchCluster;

/// <summary>Replied to with the set of node names currently up.</summary>
public sealed record FetchConnectedNodes;

/// <summary>Replied to with <see cref="IdleNodesResponse"/>: who could take over a reserved chunk or run a straggler again.</summary>
public sealed record FetchIdleNodes;

/// <param name="Idle">Members that are up and hold no chunk.</param>
/// <param name="Powers">Every up member's benchmark power, for judging whether a node would finish a chunk sooner.</param>
public sealed record IdleNodesResponse(IReadOnlySet<string> Idle, IReadOnlyDictionary<string, double> Powers);

/// <summary>A job tells the cluster view which chunks a node works on, for `pbm cluster show`.</summary>
public sealed record NodeWorkChanged(string Name, string ChunkId, bool Holding);

/// <summary>An operator asks a node to leave gracefully; replied to with its <see cref="NodeResponse"/> or Status.Failure.</summary>
public sealed record LeaveNode(string Name);

/// <summary>An operator marks a node down: its chunks go back to the queue at once; replied to like <see cref="LeaveNode"/>.</summary>
public sealed record DownNode(string Name);

internal sealed record CheckHeartbeats;

/// <summary>Replied to with <see cref="ClusterEventsResponse"/>: the member events after <paramref name="After"/>.</summary>
public sealed record FetchClusterEvents(long After);

/// <summary>An operator downs every unreachable member at once; replied to with <see cref="DownUnreachableResponse"/>.</summary>
public sealed record DownUnreachable;
