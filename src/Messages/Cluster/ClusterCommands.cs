namespace Flock.Messages.Cluster;

/// <summary>
/// Node to the seed's node gateway (an actor, reached over Akka.Remote as a cluster member): open a control session.
/// The seed answers from the session's own actor with a <see cref="Challenge"/>; every later message goes to that actor.
/// </summary>
/// <param name="ProtocolVersion">The node's <see cref="Protocol.Version"/>, for the seed's log when it is refused.</param>
public sealed record OpenSession(int ProtocolVersion) : ControlMessage;

/// <summary>Sent by the seed first on every new control session: the seed's half of the challenge.</summary>
public sealed record Challenge(string SeedNonce, int ProtocolVersion) : ControlMessage;

/// <summary>
/// A node's request to join. <paramref name="Proof"/> is HMAC-SHA256(cluster key, "node|seedNonce|nodeNonce|name"),
/// so the key itself never crosses the wire.
/// </summary>
public sealed record JoinCluster(
    int ProtocolVersion,
    string Name,
    string NodeNonce,
    string Proof,
    string FfmpegVersion,
    IReadOnlyList<string> Encoders,
    int Cores,
    IReadOnlyList<HeldResult> HeldResults) : ControlMessage;

/// <summary>A chunk attempt a node still encodes, or whose result it holds for upload; whatever else the seed thinks it holds is released.</summary>
public sealed record HeldResult(string JobId, int ChunkIndex, int Attempt);

/// <summary>
/// <paramref name="Proof"/> is HMAC-SHA256(key, "seed|nodeNonce|seedNonce|name"): the node checks that the seed knows the key too.
/// Chunk bytes then travel over the same authenticated transport as the session: no further token is needed.
/// </summary>
public sealed record JoinAccepted(string NodeId, string Proof, TimeSpan HeartbeatInterval) : ControlMessage;

/// <param name="Retry">The refusal is for now (the seed has as many nodes as it takes): ask again later instead of giving up.</param>
public sealed record JoinRejected(string Reason, bool Retry = false) : ControlMessage;

/// <summary>Power is the node's benchmark speed relative to the reference (1.0 ≈ one modern core at x264 medium).</summary>
public sealed record ReportBenchmark(double Power, double FramesPerSecond) : ControlMessage;

public sealed record Heartbeat(DateTimeOffset SentAt) : ControlMessage;

/// <summary>
/// A node pulls: it asks for as many chunks as it has free slots (encoding plus one in reserve). <paramref name="Paused"/>:
/// it takes none for now, and why (its work dir short of min-free-space), for `pbm cluster show`.
/// </summary>
public sealed record RequestWork(int FreeSlots, string? Paused = null) : ControlMessage;

/// <summary>
/// Graceful leave: the node finishes or hands back its chunks and expects no more work. Node to seed when the node
/// stops (SIGTERM); seed to node when an operator asks it to leave (`pbm cluster leave`).
/// </summary>
public sealed record LeaveCluster(string Reason) : ControlMessage;

/// <summary>Seed to node: an operator marked it down (`pbm cluster down`); its chunks are already given to others, so it stops at once.</summary>
public sealed record NodeDowned(string Reason) : ControlMessage;

/// <summary>
/// Node to seed: the Akka address its cluster member has now (it changes whenever the node's member is downed and
/// joins again with a fresh ActorSystem), so `cluster show` can put the two together and `cluster down` reach both.
/// </summary>
public sealed record ReportMember(string Address) : ControlMessage;
