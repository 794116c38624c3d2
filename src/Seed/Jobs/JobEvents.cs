namespace Flock.Seed.Jobs;

public abstract record JobEvent;

/// <param name="ChunksOnDemand">
/// Set for every job submitted since chunks get their actor when first handed out: only the chunks named by
/// <see cref="JobChunksOpened"/> have one. False in journals from before: each chunk of those had an actor from planning on.
/// </param>
public sealed record JobSubmitted(JobSpec Spec, DateTimeOffset At, bool ChunksOnDemand = false) : JobEvent;

/// <summary>The plan is on disk in the job's folder (plan.json, timeline.json) before this is journalled.</summary>
public sealed record JobPlanned(int ChunkCount, int TotalFrames, string VideoEncoder) : JobEvent;

public sealed record JobAssemblyStarted(DateTimeOffset At) : JobEvent;

public sealed record JobCompleted(string OutputPath, DateTimeOffset At) : JobEvent;

public sealed record JobFailed(string Reason, DateTimeOffset At) : JobEvent;

public sealed record JobCancelled(DateTimeOffset At) : JobEvent;

/// <summary>A failed or cancelled job runs again (`pbm job retry`), from <paramref name="Stage"/>, keeping its verified chunks.</summary>
public sealed record JobRetried(string Stage, DateTimeOffset At) : JobEvent;

public sealed record JobPriorityChanged(int Priority, DateTimeOffset At) : JobEvent;

/// <summary>
/// A keyframe of the source proved a bad place to start decoding (<paramref name="Reason"/>): for the rest of the job
/// every chunk that would start there starts at an earlier one.
/// </summary>
public sealed record JobEntryPointRejected(long Pts, double Seconds, string Reason, DateTimeOffset At) : JobEvent;

/// <summary>
/// The chunks got their actor (persistence id chunk-JOB-INDEX), journalled before the first of their own events: a
/// restarted seed brings back exactly these (less the verified ones) as actors, the others are pending lines of the plan.
/// </summary>
public sealed record JobChunksOpened(IReadOnlyList<int> Indices, DateTimeOffset At) : JobEvent;

/// <summary>
/// A chunk was verified: all the job (its view, report, time breakdown, assembly) needs of it from now on, so its
/// actor stops and a restarted seed does not read its journal back.
/// </summary>
public sealed record JobChunkVerified(SettledChunk Chunk, DateTimeOffset At) : JobEvent;

/// <summary>
/// Where every chunk stood when the job settled, journalled in one write with the event that settles it: a settled job
/// spawns no chunk actors after a seed restart, and `job show` still lists its chunks, frames, nodes and attempts.
/// </summary>
public sealed record JobChunksSettled(IReadOnlyList<SettledChunk> Chunks, DateTimeOffset At) : JobEvent;

/// <summary>
/// A chunk of a settled job: <paramref name="Status"/> is done or failed, or cancelled when the job stopped before the
/// chunk was done; <paramref name="History"/> every attempt, none left running.
/// </summary>
/// <param name="Sha256">The verified result's hash (null for a chunk not done, and in summaries journalled before it was kept).</param>
public sealed record SettledChunk(int Index, string Status, int Attempts, string? Node, int Frames, IReadOnlyList<Chunks.ChunkAttempt> History, string? Sha256 = null)
{
    /// <summary>The chunk as its job leaves it at <paramref name="at"/>: what is not done or failed by then never will be.</summary>
    public static SettledChunk Of(Chunks.ChunkState chunk, DateTimeOffset at, string reason) => new(
        chunk.Index,
        chunk.IsFinal ? chunk.Status : Messages.Jobs.ChunkStates.Cancelled,
        chunk.Attempts,
        chunk.Node,
        chunk.Status == Messages.Jobs.ChunkStates.Done ? chunk.Frames : 0,
        chunk.History.Select(h => h.Cancel(at, reason)).ToList(),
        chunk.Status == Messages.Jobs.ChunkStates.Done ? chunk.Sha256 : null);

    /// <summary>The chunk's state as its job shows it once its actor is gone: no runs, its history as summarised.</summary>
    public Chunks.ChunkState ToState() => Chunks.ChunkState.Initial(Index) with
    {
        Status = Status,
        Attempts = Attempts,
        Node = Node,
        Frames = Frames,
        Sha256 = Sha256,
        CurrentAttempt = History.LastOrDefault(h => h.Outcome == Messages.Jobs.AttemptOutcomes.Done)?.Attempt ?? Attempts,
        History = [.. History],
    };
}

/// <summary>
/// A chunk of a job with a bitrate target was asked for <paramref name="BitsPerSecond"/> (its first hand-out, or with
/// <paramref name="SecondPass"/> its second pass), journalled before the node hears it: a restarted seed asks every
/// later attempt of the chunk for the same rate and counts the chunks still out at what they were asked, not at the
/// file's target, so the file's bits stay shared as they were.
/// </summary>
public sealed record JobChunkRateAsked(int ChunkIndex, long BitsPerSecond, bool SecondPass, DateTimeOffset At) : JobEvent;

/// <summary>
/// A two-pass chunk's first pass weighed it (<paramref name="Model"/>: its bits as a function of the file's rate factor,
/// when x264's statistics gave one): a restarted seed shares the file's bits by every weight measured, not only by those
/// measured after it started again.
/// </summary>
public sealed record JobChunkWeighed(int ChunkIndex, double Weight, Messages.Chunks.FirstPassBits? Model, DateTimeOffset At) : JobEvent;

/// <summary>The queue accepted a job (journalled under the queue's own persistence id, <c>jobs</c>): a restarted seed brings it back.</summary>
public sealed record JobAccepted(string JobId);

/// <summary>
/// The queue's snapshot: every job it accepted, in order. Saved every <see cref="JobsActor.SnapshotEvery"/> jobs, after
/// which the <see cref="JobAccepted"/> events it covers are deleted.
/// </summary>
public sealed record AcceptedJobs(IReadOnlyList<string> JobIds);
