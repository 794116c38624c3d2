namespace Flock.Seed.Jobs;

/// <summary>Replied to with <see cref="Messages.Jobs.JobResponse"/>, or Status.Failure when unknown.</summary>
public sealed record FetchJob(string JobId);

/// <summary>Replied to with <see cref="Messages.Jobs.JobListResponse"/>.</summary>
public sealed record FetchJobs;

/// <summary>Replied to with the file to serve: the job's input (for nodes) or its verified output.</summary>
public sealed record FetchJobFile(string JobId, JobFileKind Kind);

public enum JobFileKind { Source, Output }

public sealed record JobFileResponse(string? Path, string? Error);
