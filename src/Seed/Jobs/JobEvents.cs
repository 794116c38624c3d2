namespace Flock.Seed.Jobs;

public abstract record JobEvent;

public sealed record JobSubmitted(JobSpec Spec, DateTimeOffset At) : JobEvent;

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
/// Where every chunk stood when the job settled, journalled in one write with the event that settles it: a settled job
/// spawns no chunk actors after a seed restart, and `job show` still lists its chunks, frames, nodes and attempts.
/// </summary>
public sealed record JobChunksSettled(IReadOnlyList<SettledChunk> Chunks, DateTimeOffset At) : JobEvent;

/// <summary>
/// A chunk of a settled job: <paramref name="Status"/> is done or failed, or cancelled when the job stopped before the
/// chunk was done; <paramref name="History"/> every attempt, none left running.
/// </summary>
public sealed record SettledChunk(int Index, string Status, int Attempts, string? Node, int Frames, IReadOnlyList<Chunks.ChunkAttempt> History)
{
    /// <summary>The chunk as its job leaves it at <paramref name="at"/>: what is not done or failed by then never will be.</summary>
    public static SettledChunk Of(Chunks.ChunkState chunk, DateTimeOffset at, string reason) => new(
        chunk.Index,
        chunk.IsFinal ? chunk.Status : Messages.Jobs.ChunkStates.Cancelled,
        chunk.Attempts,
        chunk.Node,
        chunk.Status == Messages.Jobs.ChunkStates.Done ? chunk.Frames : 0,
        chunk.History.Select(h => h.Cancel(at, reason)).ToList());
}

/// <summary>The queue accepted a job (journalled under the queue's own persistence id, <c>jobs</c>): a restarted seed brings it back.</summary>
public sealed record JobAccepted(string JobId);
