using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Flock.Messages.Jobs;

namespace Flock.Seed.Jobs;

/// <summary>A job as an immutable value rebuilt by replaying its events.</summary>
public sealed record JobState(
    JobSpec Spec,
    string Stage,
    DateTimeOffset SubmittedAt,
    int ChunkCount,
    int TotalFrames,
    string? VideoEncoder,
    string? Error,
    DateTimeOffset? FinishedAt)
{
    [JsonIgnore]
    public bool IsFinal => JobStates.IsFinal(Stage);

    /// <summary>Chunks get their actor when first handed out (see <see cref="JobSubmitted.ChunksOnDemand"/>); false: every chunk has one.</summary>
    public bool ChunksOnDemand { get; init; }

    /// <summary>Chunks that have an actor and a journal of their own and are not verified yet (with <see cref="ChunksOnDemand"/> only).</summary>
    public ImmutableSortedSet<int> OpenedChunks { get; init; } = [];

    /// <summary>Verified chunks as the job journalled them; their actors are gone.</summary>
    public ImmutableSortedDictionary<int, SettledChunk> VerifiedChunks { get; init; } = ImmutableSortedDictionary<int, SettledChunk>.Empty;

    /// <summary>Keyframes of the source that are not clean entry points, in the order they were found.</summary>
    public ImmutableList<JobEntryPointRejected> RejectedEntryPoints { get; init; } = [];

    /// <summary>The timestamps of <see cref="RejectedEntryPoints"/>, as chunk assignments need them.</summary>
    [JsonIgnore]
    public ImmutableSortedSet<long> BadEntryPts => RejectedEntryPoints.Select(e => e.Pts).ToImmutableSortedSet();

    /// <summary>The job's chunks as they stood when it settled; null while it runs (its chunk actors know) and for jobs settled before this was journalled.</summary>
    public IReadOnlyList<SettledChunk>? SettledChunks { get; init; }

    /// <summary>
    /// Kept as a snapshot with its events and its chunks' journals deleted (retention): a retry starts its unfinished
    /// chunks from nothing, since their journals are gone.
    /// </summary>
    public bool Compacted { get; init; }

    /// <summary>The rate each chunk of a job with a bitrate target was last asked for (see <see cref="JobChunkRateAsked"/>).</summary>
    public ImmutableSortedDictionary<int, JobChunkRateAsked> ChunkRates { get; init; } = ImmutableSortedDictionary<int, JobChunkRateAsked>.Empty;

    /// <summary>Two-pass chunks' first-pass weights in the order they were measured (a chunk weighed again is listed again).</summary>
    public ImmutableList<JobChunkWeighed> ChunkWeights { get; init; } = [];

    /// <summary>When joining the verified chunks began (the last time, for a retried job).</summary>
    public DateTimeOffset? AssemblyStartedAt { get; init; }

    public static JobState Start(JobSubmitted e) => new(e.Spec, JobStates.Queued, e.At, 0, 0, null, null, null) { ChunksOnDemand = e.ChunksOnDemand };

    /// <summary>
    /// The chunks of a plan of <paramref name="chunkCount"/> that a (restarted) seed runs as actors: those with a journal
    /// of their own that are not verified yet. Verified ones are summaries, never-started ones lines of the plan.
    /// </summary>
    public IEnumerable<int> ChunksNeedingActors(int chunkCount) =>
        Enumerable.Range(0, chunkCount).Where(i => !VerifiedChunks.ContainsKey(i) && (!ChunksOnDemand || OpenedChunks.Contains(i)));

    /// <summary>Whether chunk <paramref name="index"/> has (had) an actor and journal of its own.</summary>
    public bool IsOpened(int index) => !ChunksOnDemand || OpenedChunks.Contains(index) || VerifiedChunks.ContainsKey(index);

    public JobState Apply(JobEvent e) => e switch
    {
        JobPlanned p => this with { Stage = JobStates.Encoding, ChunkCount = p.ChunkCount, TotalFrames = p.TotalFrames, VideoEncoder = p.VideoEncoder },
        JobAssemblyStarted a => this with { Stage = JobStates.Assembling, AssemblyStartedAt = a.At },
        JobCompleted c => this with { Stage = JobStates.Completed, FinishedAt = c.At, Spec = Spec with { OutputPath = c.OutputPath } },
        JobFailed f => this with { Stage = JobStates.Failed, Error = f.Reason, FinishedAt = f.At },
        JobCancelled c => this with { Stage = JobStates.Cancelled, FinishedAt = c.At },
        // The chunks not verified are asked afresh; the first passes measured still weigh what they weighed.
        JobRetried r => this with
        {
            Stage = r.Stage, Error = null, FinishedAt = null, SettledChunks = null, AssemblyStartedAt = null, Compacted = false,
            ChunkRates = ChunkRates.RemoveRange(ChunkRates.Keys.Where(i => !VerifiedChunks.ContainsKey(i))),
        },
        JobChunksSettled s => this with { SettledChunks = s.Chunks },
        JobChunksOpened o => this with { OpenedChunks = OpenedChunks.Union(o.Indices.Where(i => !VerifiedChunks.ContainsKey(i))) },
        JobChunkVerified v => this with { VerifiedChunks = VerifiedChunks.SetItem(v.Chunk.Index, v.Chunk), OpenedChunks = OpenedChunks.Remove(v.Chunk.Index) },
        JobChunkRateAsked r => this with { ChunkRates = ChunkRates.SetItem(r.ChunkIndex, r) },
        JobChunkWeighed w => this with { ChunkWeights = ChunkWeights.Add(w) },
        JobPriorityChanged p => this with { Spec = Spec with { Priority = p.Priority } },
        JobEntryPointRejected r => RejectedEntryPoints.Any(e => e.Pts == r.Pts) ? this : this with { RejectedEntryPoints = RejectedEntryPoints.Add(r) },
        JobSubmitted => throw new InvalidOperationException("a job is submitted once"),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "unknown job event"),
    };

    /// <summary>
    /// The state a compacted job keeps: its chunks' journals are gone, so none counts as opened (a retry gives each a
    /// fresh actor when it is handed out).
    /// </summary>
    public JobState Compact() => this with { Compacted = true, OpenedChunks = [] };

    /// <summary>The persistence ids of this job's chunks that have (had) a journal of their own.</summary>
    public IEnumerable<string> ChunkPersistenceIds(string jobId) =>
        Enumerable.Range(0, ChunkCount).Where(IsOpened).Select(i => $"chunk-{jobId}-{i}");

    /// <summary>Whether an event may follow the current stage: a settled job changes again only when an operator retries it.</summary>
    public bool Accepts(JobEvent e) => e is JobRetried ? Stage is JobStates.Failed or JobStates.Cancelled : !IsFinal && e switch
    {
        JobPlanned => Stage is JobStates.Queued or JobStates.Planning,
        JobAssemblyStarted => Stage == JobStates.Encoding,
        JobCompleted => Stage == JobStates.Assembling,
        JobEntryPointRejected r => RejectedEntryPoints.All(e => e.Pts != r.Pts),
        _ => true,
    };
}
