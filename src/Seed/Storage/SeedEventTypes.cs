using Flock.Seed.Chunks;
using Flock.Seed.Jobs;

namespace Flock.Seed.Storage;

/// <summary>
/// The journal's manifest for every event and snapshot the seed writes. These names are stored forever: rename a
/// type freely, never its manifest.
/// </summary>
public static class SeedEventTypes
{
    /// <summary>The registry <see cref="SeedEventSerializer"/> reads and writes with.</summary>
    public static EventTypeRegistry Registry { get; } = Create();

    public static EventTypeRegistry Create() => new EventTypeRegistry()
        .Register<JobAccepted>("job-accepted")
        .Register<AcceptedJobs>("accepted-jobs")
        .Register<JobSubmitted>("job-submitted")
        .Register<JobPlanned>("job-planned")
        .Register<JobAssemblyStarted>("job-assembly-started")
        .Register<JobCompleted>("job-completed")
        .Register<JobFailed>("job-failed")
        .Register<JobCancelled>("job-cancelled")
        .Register<ChunkAssigned>("chunk-assigned")
        .Register<ChunkEncodingStarted>("chunk-encoding-started")
        .Register<ChunkResultReceived>("chunk-result-received")
        .Register<ChunkVerified>("chunk-verified")
        .Register<ChunkAttemptFailed>("chunk-attempt-failed")
        .Register<ChunkReleased>("chunk-released")
        .Register<ChunkFailed>("chunk-failed")
        .Register<ChunkRetried>("chunk-retried")
        .Register<JobRetried>("job-retried")
        .Register<JobPriorityChanged>("job-priority-changed")
        .Register<JobEntryPointRejected>("job-entry-point-rejected")
        .Register<JobChunksSettled>("job-chunks-settled")
        .Register<JobChunksOpened>("job-chunks-opened")
        .Register<JobChunkVerified>("job-chunk-verified")
        .Register<JobChunkRateAsked>("job-chunk-rate-asked")
        .Register<JobChunkWeighed>("job-chunk-weighed")
        .Register<ChunkState>("chunk-state")
        .Register<JobState>("job-state");
}
