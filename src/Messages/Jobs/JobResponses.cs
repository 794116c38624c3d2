namespace Flock.Messages.Jobs;

/// <summary>Job states, lower-case on the wire: queued, planning, encoding, assembling, completed, failed, cancelled.</summary>
public static class JobStates
{
    public const string Queued = "queued";
    public const string Planning = "planning";
    public const string Encoding = "encoding";
    public const string Assembling = "assembling";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinal(string state) => state is Completed or Failed or Cancelled;
}

/// <summary>
/// Chunk states: pending, assigned, encoding, verifying, done (failed only when the job gave up on it; cancelled when
/// its job was cancelled or failed before the chunk was done).
/// </summary>
public static class ChunkStates
{
    public const string Pending = "pending";
    public const string Assigned = "assigned";
    public const string Encoding = "encoding";
    public const string Verifying = "verifying";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

/// <summary>
/// How one attempt of a chunk stands or ended: assigned, encoding, verifying while it runs; then done (its result was
/// verified), failed (the node's encode or the seed's check failed), released (its node left or was lost; a late result
/// may still bring it back), cancelled (another attempt finished first, or the job was stopped).
/// </summary>
public static class AttemptOutcomes
{
    public const string Assigned = "assigned";
    public const string Encoding = "encoding";
    public const string Verifying = "verifying";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Released = "released";
    public const string Cancelled = "cancelled";

    /// <summary>Whether the attempt is over (anything but assigned, encoding, verifying).</summary>
    public static bool IsEnded(string outcome) => outcome is not (Assigned or Encoding or Verifying);
}

/// <summary>
/// A job. <paramref name="FramesPerSecond"/> is its recent encode throughput (frames/s over roughly the last 15 s,
/// all nodes together; null before there is enough to say and once the job is final); <paramref name="EtaSeconds"/> is
/// the remaining frames at that rate (0 once every frame is encoded, null when unknown). <paramref name="BadEntryPoints"/>
/// lists the source's keyframes that proved not to be clean places to start decoding (chunks were decoded from earlier
/// ones); <paramref name="Warnings"/> what the user should know about the source (e.g. it ends before its declared duration).
/// The ETA is smoothed on the seed: it counts down with the clock, falls faster only by what the frames that came back
/// are worth and climbs only by what frames handed back are worth (or slowly, when the cluster proved slower).
/// <paramref name="AverageFramesPerSecond"/> is the rate over the whole encode so far (null before a second of it);
/// <paramref name="ElapsedSeconds"/> runs from submission to now, or to when the job finished;
/// <paramref name="OutputBytes"/> is the video of the verified chunks so far (the output file's size once completed);
/// <paramref name="ExpectedOutputBytes"/> that size extrapolated to all frames by the frames of those chunks (null before one).
/// </summary>
public sealed record JobResponse(
    string Id,
    string State,
    string? Error,
    string Input,
    string Output,
    int Priority,
    double ChunkSeconds,
    IReadOnlyList<string> Options,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? FinishedAt,
    int TotalFrames,
    int EncodedFrames,
    IReadOnlyList<ChunkResponse> Chunks,
    double? FramesPerSecond = null,
    double? EtaSeconds = null,
    IReadOnlyList<EntryPointResponse>? BadEntryPoints = null,
    IReadOnlyList<string>? Warnings = null,
    double? AverageFramesPerSecond = null,
    double? ElapsedSeconds = null,
    long? OutputBytes = null,
    long? ExpectedOutputBytes = null)
{
    /// <summary>The encode rate over the job's run so far, oldest first (for the dashboard's chart); empty after a seed restart.</summary>
    public IReadOnlyList<FpsSampleResponse>? FpsHistory { get; init; }

    /// <summary>The source's duration in seconds, once the job is planned: what the output's bitrate is measured over.</summary>
    public double? SourceSeconds { get; init; }

    /// <summary>The size of the finished output file in bytes; null until the job is completed (or once the file is gone).</summary>
    public long? OutputFileBytes { get; init; }

    /// <summary>The finished output's overall bitrate in bits per second (<see cref="OutputFileBytes"/> over <see cref="SourceSeconds"/>).</summary>
    public double? OutputBitrate { get; init; }

    /// <summary>
    /// Chunks whose state is still being read back from the journal after a seed restart (shown as pending until
    /// then); 0 once the job is whole again. Null for a job with no chunk actors (settled, or not planned yet).
    /// </summary>
    public int? RecoveringChunks { get; init; }

    /// <summary>Where the job's wall time went so far (see <see cref="JobTimeBreakdownResponse"/>).</summary>
    public JobTimeBreakdownResponse? TimeBreakdown { get; init; }

    /// <summary>
    /// Where the job is published as HLS while it encodes (relative to the seed, e.g. /jobs/7/live/index.m3u8); null
    /// when it was submitted without live, and once its live files are gone.
    /// </summary>
    public string? LivePlaylist { get; init; }
}

/// <summary>The encode rate (all nodes together) between the sample before and <paramref name="At"/>, and the frames encoded by then.</summary>
public sealed record FpsSampleResponse(DateTimeOffset At, double Fps, long Frames);

/// <summary>Kinds of <see cref="JobEventResponse"/>: what happened to a job or one of its chunks.</summary>
public static class JobEventKinds
{
    public const string ChunkFailed = "chunk-failed";
    public const string ChunkReleased = "chunk-released";
    public const string ChunkRetried = "chunk-retried";
    public const string JobCompleted = "job-completed";
    public const string JobFailed = "job-failed";
    public const string JobCancelled = "job-cancelled";
    public const string JobRetried = "job-retried";
}

/// <summary>One thing that happened to a job or a chunk of it (see <see cref="JobEventKinds"/>); <paramref name="Sequence"/> grows by one per event.</summary>
public sealed record JobEventResponse(long Sequence, DateTimeOffset At, string Kind, string JobId, int? Chunk, string? Node, string Detail);

/// <param name="Next">The sequence to ask after next time; <paramref name="Events"/> are those after the one asked for.</param>
public sealed record JobEventsResponse(IReadOnlyList<JobEventResponse> Events, long Next);

/// <summary>A keyframe (seconds from the file start) that is not a clean entry point, and how that showed.</summary>
public sealed record EntryPointResponse(double Seconds, string Reason);

/// <summary>
/// One chunk. <paramref name="Percent"/> is 0–100 from the node's progress reports against the chunk's planned frames
/// (100 once verified); <paramref name="Fps"/> is the node's current rate while it encodes (null before its first frame is out), otherwise null;
/// <paramref name="Runs"/> lists the attempts still out on nodes (two while a straggler is run again elsewhere);
/// <paramref name="History"/> every attempt so far, oldest first, failed and released ones included.
/// </summary>
public sealed record ChunkResponse(int Index, string State, int Attempts, string? Node, int Frames, double Percent = 0, double? Fps = null,
    IReadOnlyList<ChunkRunResponse>? Runs = null, IReadOnlyList<ChunkAttemptResponse>? History = null)
{
    /// <summary>With a bitrate target (`-b:v`): the rate the chunk was last asked for, its second pass's in a two-pass job; null otherwise.</summary>
    public long? AskedBitsPerSecond { get; init; }
}

/// <summary>
/// One attempt of a chunk: the node, when it was handed out and when it ended (null while it runs), its
/// <see cref="AttemptOutcomes">outcome</see>, the error's first line when it failed (or why it was released or
/// cancelled), and the bytes of the result the node uploaded (null before any).
/// </summary>
public sealed record ChunkAttemptResponse(int Attempt, string Node, string Outcome, DateTimeOffset Started, DateTimeOffset? Ended = null, string? Error = null,
    long? Bytes = null)
{
    /// <summary>When the node's ffmpeg started on it (null when not known).</summary>
    public DateTimeOffset? EncodingAt { get; init; }

    /// <summary>When the seed had its whole result (verification started).</summary>
    public DateTimeOffset? ReceivedAt { get; init; }
}

/// <summary>
/// Where a job's wall time went, in seconds: from submission to the first chunk handed out (probe, plan, queue) and to
/// the first encode started; the span from the first encode started to the last result received; per node, the time
/// inside its own first-start-to-last-result span when it was encoding nothing (waiting for work or bytes); from the
/// last result to the last chunk verified; from then to assembling; joining and checking the output; and the total.
/// A part is null when the job has not got there (or the attempts predate these timestamps).
/// </summary>
public sealed record JobTimeBreakdownResponse(
    double? ToFirstHandOut, double? ToFirstEncode, double? Encoding, IReadOnlyDictionary<string, double> IdleByNode,
    double? LastResultToVerified, double? VerifiedToAssembly, double? Assembly, double? Total);

/// <summary>An attempt of a chunk still out on a node.</summary>
public sealed record ChunkRunResponse(int Attempt, string Node, string State);

/// <summary>
/// Jobs; when asked for one page (`?limit=`), <paramref name="Older"/> is the `before` that gives the next, older page
/// (null on the last) and <paramref name="Total"/> how many jobs there are to page through.
/// </summary>
public sealed record JobListResponse(IReadOnlyList<JobResponse> Jobs, string? Older = null, int? Total = null);

public sealed record SubmitJobResponse(string Id);

/// <summary>Every API error is one line of text in this shape, with a non-2xx status.</summary>
public sealed record ErrorResponse(string Error);
