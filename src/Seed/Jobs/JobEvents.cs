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

/// <summary>The queue accepted a job (journalled under the queue's own persistence id, <c>jobs</c>): a restarted seed brings it back.</summary>
public sealed record JobAccepted(string JobId);
