namespace Flock.Seed.Jobs;

/// <summary>Replied to with <see cref="Messages.Jobs.JobResponse"/>, or Status.Failure when unknown.</summary>
public sealed record FetchJob(string JobId);

/// <summary>
/// Replied to with <see cref="Messages.Jobs.JobListResponse"/>: every job <paramref name="Which"/> selects, in queue
/// order; with <paramref name="Limit"/>, at most that many, newest first, those with ids below <paramref name="Before"/>.
/// </summary>
public sealed record FetchJobs(int? Limit = null, long? Before = null, JobSelection Which = JobSelection.All);

/// <summary>Which jobs a <see cref="FetchJobs"/> lists: all, those still to finish, or the settled ones.</summary>
public enum JobSelection { All, Unfinished, Settled }

/// <summary>Replied to with <see cref="Messages.Jobs.JobEventsResponse"/>: the job events after <paramref name="After"/>.</summary>
public sealed record FetchJobEvents(long After);

/// <summary>Replied to with the file to serve: the job's input (for nodes) or its verified output.</summary>
public sealed record FetchJobFile(string JobId, JobFileKind Kind);

public enum JobFileKind { Source, Output }

public sealed record JobFileResponse(string? Path, string? Error);
