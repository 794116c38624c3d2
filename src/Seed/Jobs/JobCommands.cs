using Flock.Seed.Cluster;

namespace Flock.Seed.Jobs;

/// <summary>Submit a job; replied to with <see cref="Messages.Jobs.SubmitJobResponse"/> or Status.Failure.</summary>
/// <remarks>OutputPath null: the output goes to the job's folder, with <paramref name="OutputName"/>'s extension.</remarks>
/// <param name="UserOutput">The OUT as the user typed it, for listings ("" when none was given).</param>
/// <param name="Live">Publish the job as HLS while it encodes; <paramref name="KeepLive"/>: keep those files once it settles.</param>
public sealed record SubmitJob(string InputPath, string InputName, string? OutputPath, string OutputName, IReadOnlyList<string> Options, double ChunkSeconds, int Priority, bool InputIsOwned,
    string UserOutput = "", bool Live = false, bool KeepLive = false);

public sealed record CancelJob(string JobId);

/// <summary>Run a failed or cancelled job again; replied to with its JobResponse, or Status.Failure when it is not retryable.</summary>
public sealed record RetryJob(string JobId);

/// <summary>Replied to with the job's JobResponse; a higher priority is handed out first from the next dispatch on.</summary>
public sealed record SetJobPriority(string JobId, int Priority);

/// <summary>
/// The job has settled and is older than the newest ones retention keeps whole: keep its final state as a snapshot and
/// delete its events and its chunks' journals. A job already compacted, or not settled, ignores it.
/// </summary>
public sealed record CompactJournal;

/// <summary>The job's answer to <see cref="CompactJournal"/> once it is done with it: the queue then asks the next one.</summary>
/// <param name="Compacted">false when there was nothing to do (not settled, already compacted) or it failed.</param>
public sealed record CompactJournalResponse(string JobId, bool Compacted);

/// <summary>The queue gives up on a job for a reason the job itself cannot see (no node can run its encoder).</summary>
public sealed record FailJob(string Reason);

/// <summary>The answer to a claim the job could not journal: its actor is stopping, and starts again from its journal.</summary>
public sealed record JobStopping(string JobId);

/// <summary>A job's actor stops for good (nothing to recover it from): the queue does not start it again.</summary>
public sealed record JobGivenUp(string JobId);

/// <summary>A node has free slots; the jobs actor hands it chunks in queue order.</summary>
public sealed record WorkWanted(NodeHandle Node, int FreeSlots);

/// <summary>The node gets no new work for now (quarantined); what it holds it keeps.</summary>
public sealed record WorkWithdrawn(string NodeName);

/// <summary>The node will take no more work (left, lost or down); what it held goes back to the queue.</summary>
public sealed record NodeGone(string NodeName, string Reason);

/// <summary>The node is leaving gracefully: chunks it holds but has not started go back to the queue now, running ones may finish.</summary>
public sealed record NodeLeaving(string NodeName);

/// <summary>A node (re)joined and listed what it still works on: anything else it is recorded as holding goes back to the queue.</summary>
public sealed record NodeRejoined(string NodeName, IReadOnlyList<Messages.Cluster.HeldResult> Held);

/// <summary>A job asks for a dispatch round: a chunk became pending or the job finished planning.</summary>
public sealed record WorkAvailable;

/// <summary>Claim the next pending chunk of this job for a node; replied to with <see cref="ChunkClaimed"/> or <see cref="NothingToClaim"/>.</summary>
/// <param name="SpeculateAfter">Set: the node is idle and nothing is pending, so claim a second attempt of a chunk that has run at least this long.</param>
/// <param name="Peers">The other nodes that can take this job's chunks now or later.</param>
/// <param name="Powers">Up nodes' benchmark powers: a second attempt is only started where it would finish first.</param>
public sealed record ClaimChunk(string NodeName, TimeSpan? SpeculateAfter = null, IReadOnlyCollection<string>? Peers = null,
    IReadOnlyDictionary<string, double>? Powers = null);

/// <summary>
/// An idle node, with nothing pending anywhere, asks for a chunk that waits unstarted in a busy node's reserve; replied
/// to like <see cref="ClaimChunk"/>. <paramref name="Powers"/> are the up nodes' benchmark powers.
/// </summary>
public sealed record StealChunk(string NodeName, IReadOnlyDictionary<string, double> Powers);

public sealed record ChunkClaimed(Messages.Chunks.AssignChunk Assignment);

public sealed record NothingToClaim;

/// <summary>A node reports an attempt's progress or failure.</summary>
public sealed record ChunkReport(string JobId, int ChunkIndex, string NodeName, object Report);

/// <summary>A node uploaded a result (checksum already checked); replied to with <see cref="ChunkResultAnswer"/>.</summary>
public sealed record SubmitChunkResult(string JobId, int ChunkIndex, int Attempt, string NodeName, string FilePath, string Sha256, long Bytes);

/// <param name="TryAgain">Not refused: the job cannot take results this moment (it is being restarted); the node keeps the file and sends it again.</param>
/// <summary>
/// A two-pass chunk's first pass is done on its node and weighed (<see cref="Flock.Media.Encoding.FirstPassStats"/>);
/// replied to with <see cref="Messages.Chunks.FetchSecondPassRateResponse"/>, the rate its second pass is to aim at (null:
/// no bitrate target to share, or no plan yet, so the node keeps the rate it was handed).
/// </summary>
/// <param name="RateWanted">false: only weighed (a chunk waiting in a node's reserve), its second pass is asked later.</param>
/// <param name="MayRunFirstPassAgain">the node runs the chunk's first pass again when the seed answers so.</param>
public sealed record MeasureFirstPass(string JobId, int ChunkIndex, int Attempt, string NodeName, double Weight, bool RateWanted = true, Messages.Chunks.FirstPassBits? Model = null,
    bool MayRunFirstPassAgain = false);

public sealed record ChunkResultAnswer(bool Accepted, string Message, bool TryAgain = false);

/// <summary>A job's stage changed: the jobs actor keeps its queue view current.</summary>
public sealed record JobStageChanged(string JobId, string Stage, int Priority, DateTimeOffset SubmittedAt, string? VideoEncoder);

/// <summary>Chunks still held by nodes that are not connected after a seed restart are released after a grace period.</summary>
public sealed record ReleaseOrphanedChunks(IReadOnlySet<string> ConnectedNodes, string Reason = "node did not come back after the seed restarted");

internal sealed record PlanFinished(Planning.JobPlanFiles Plan);

/// <summary>Internal: the first chunk is planned from the source's first seconds (null: the file is planned whole).</summary>
internal sealed record HeadPlanFinished(Planning.JobPlanFiles? Head);

internal sealed record PlanFailed(string Reason);

internal sealed record AssemblyFinished(string OutputPath);

internal sealed record AssemblyFailed(string Reason);

/// <summary>Internal: verified chunks' keyframes hashed while the last chunks encode (<see cref="KeyframesAhead"/>).</summary>
internal sealed record KeyframesHashed(IReadOnlyList<Media.Assembly.KeyframeRun> Runs);

internal sealed record KeyframesHashingFailed(string Reason);

/// <summary>Internal: a chunk actor's state changed; the job keeps a derived view for claims and queries.</summary>
internal sealed record ChunkChanged(Chunks.ChunkState State);

/// <summary>A chunk found keyframes that are bad entry points (timestamps in the source's time base): the job remembers them.</summary>
internal sealed record EntryPointsRejected(IReadOnlyList<Media.Verification.BadEntryPoint> Entries);

/// <summary>The job's bad entry points, told to every chunk whenever the set grows.</summary>
internal sealed record EntryPointsKnown(System.Collections.Immutable.ImmutableSortedSet<long> Bad);


/// <summary>Tell a node to stop an attempt it no longer needs to finish.</summary>
public sealed record CancelOnNode(string NodeName, Messages.Chunks.CancelChunk Cancel);

/// <summary>The job's actor is starting again after a journal failure: asked again in a moment, it answers (HTTP 503).</summary>
public sealed class JobRestartingException(string message) : InvalidOperationException(message);
