using System.Collections.Immutable;
using Flock.Messages;
using Flock.Messages.Jobs;

namespace Flock.Seed.Chunks;

/// <summary>
/// A chunk's whole life as an immutable value: <see cref="Process"/> decides, <see cref="Apply"/> records. The actor
/// persists what Process returns and applies it, and recovery is the same Apply over the journal.
/// </summary>
/// <remarks>
/// <see cref="Runs"/> holds every attempt that has not ended; <see cref="Status"/>, <see cref="Node"/> and
/// <see cref="CurrentAttempt"/> are derived from it. Once the chunk is done, the runs left are the losers that
/// must be cancelled; their results are refused.
/// </remarks>
public sealed record ChunkState(
    int Index,
    string Status,
    int Attempts,
    int CurrentAttempt,
    string? Node,
    ImmutableList<string> FailedNodes,
    string? LastError,
    string? Sha256,
    int Frames,
    ImmutableList<ChunkRun> Runs)
{
    /// <summary>A chunk that failed on this many different nodes fails its job.</summary>
    public const int MaxFailedNodes = 3;

    /// <summary>Attempts that failed, any node: a bound so a chunk that fails on one lonely node cannot loop forever.</summary>
    public const int MaxFailedAttempts = 6;

    /// <summary>At most this many attempts of one chunk run at once (the original and one speculative copy).</summary>
    public const int MaxLiveRuns = 2;

    public static ChunkState Initial(int index) => new(index, ChunkStates.Pending, 0, 0, null, [], null, null, 0, []);

    public bool IsFinal => Status is ChunkStates.Done or ChunkStates.Failed;

    public bool IsHeldBy(string node) => !IsFinal && Runs.Any(r => r.Node == node && r.IsLive);

    public IEnumerable<ChunkRun> LiveRuns => Runs.Where(r => r.IsLive);

    /// <summary>Every attempt so far, oldest first, ended ones included: what `job show` lists as the chunk's history.</summary>
    public ImmutableList<ChunkAttempt> History { get; init; } = [];

    /// <summary>Bytes of the verified result's video packets; null until verified (or when verified before they were kept).</summary>
    public long? VerifiedVideoBytes => Status == ChunkStates.Done ? History.LastOrDefault(h => h.Attempt == CurrentAttempt)?.VideoBytes : null;

    /// <summary>Attempts a node may still be working on although nobody needs them any more.</summary>
    public IEnumerable<ChunkRun> Losers => IsFinal ? Runs : [];

    public ChunkState Apply(ChunkEvent e) => ApplyToRuns(e) with { History = Record(e) };

    private ChunkState ApplyToRuns(ChunkEvent e) => e switch
    {
        ChunkAssigned a => With(Runs.Add(new ChunkRun(a.Attempt, a.Node, a.At))) with { Attempts = Attempts + 1 },
        ChunkEncodingStarted s => With(Update(s.Attempt, r => r with { Encoding = true })),
        ChunkResultReceived r => With(Update(r.Attempt, run => run with { Verifying = true, Released = false, Sha256 = r.Sha256 })),
        ChunkVerified v => this with
        {
            Status = ChunkStates.Done, Node = v.Node, Sha256 = v.Sha256, Frames = v.Frames, CurrentAttempt = v.Attempt,
            Runs = Runs.RemoveAll(r => r.Attempt == v.Attempt),
        },
        ChunkAttemptFailed f => With(Runs.RemoveAll(r => r.Attempt == f.Attempt)) with { LastError = f.Error, FailedNodes = f.EntryBlamed ? FailedNodes : FailedNodes.Add(f.Node) },
        ChunkReleased r => With(Update(r.Attempt, run => run with { Released = true })),
        ChunkFailed f => this with { Status = ChunkStates.Failed, Node = null, LastError = f.Reason },
        // Attempts of the settled job were cancelled; only a result already being checked may still count.
        ChunkRetried => (this with { Status = ChunkStates.Pending, FailedNodes = [], LastError = null }).With(Runs.RemoveAll(r => !r.Verifying)),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "unknown chunk event"),
    };

    /// <summary>The history after <paramref name="e"/>: mirrors what <see cref="ApplyToRuns"/> does to the runs, but forgets nothing.</summary>
    private ImmutableList<ChunkAttempt> Record(ChunkEvent e) => e switch
    {
        ChunkAssigned a => History.Add(new ChunkAttempt(a.Attempt, a.Node, a.At, AttemptOutcomes.Assigned)),
        ChunkEncodingStarted s => Change(s.Attempt, h => h with { Outcome = AttemptOutcomes.Encoding, EncodingAt = s.RecordedAt }),
        // A released attempt whose result still came is running again: the release was not its end.
        ChunkResultReceived r => Change(r.Attempt, h => h with { Outcome = AttemptOutcomes.Verifying, Bytes = r.Bytes, Ended = null, Error = null, ReceivedAt = r.RecordedAt }),
        ChunkVerified v => Change(v.Attempt, h => h with { Outcome = AttemptOutcomes.Done, Ended = v.RecordedAt, VideoBytes = v.VideoBytes })
            .ConvertAll(h => Runs.Any(r => r.Attempt == h.Attempt && r.Attempt != v.Attempt) ? h.Cancel(v.RecordedAt, $"attempt {v.Attempt} on {v.Node} finished first") : h),
        ChunkAttemptFailed f => Change(f.Attempt, h => h with { Outcome = AttemptOutcomes.Failed, Ended = f.RecordedAt, Error = Headline(f.Error) }),
        ChunkReleased r => Change(r.Attempt, h => h with { Outcome = AttemptOutcomes.Released, Ended = r.RecordedAt, Error = r.Reason }),
        ChunkRetried r => History.ConvertAll(h => Runs.Any(run => run.Attempt == h.Attempt && !run.Verifying) ? h.Cancel(r.At, "job retried") : h),
        _ => History,
    };

    private ImmutableList<ChunkAttempt> Change(int attempt, Func<ChunkAttempt, ChunkAttempt> change) =>
        History.FindIndex(h => h.Attempt == attempt) is var i and >= 0 ? History.SetItem(i, change(History[i])) : History;

    /// <summary>The events a command leads to; an empty list means the command no longer applies (late or duplicate) and is dropped.</summary>
    public IReadOnlyList<ChunkEvent> Process(ChunkCommand command) => command is RetryChunk retry ? Retry(retry) : IsFinal ? [] : command switch
    {
        AssignChunkTo a when Status == ChunkStates.Pending && !BetterLeftTo(a.Node, a.Peers) => [new ChunkAssigned(a.Node, Attempts + 1, a.At)],
        SpeculateOn s when CanSpeculateOn(s.Node, s.At, s.MinElapsed) => [new ChunkAssigned(s.Node, Attempts + 1, s.At)],
        TakeOver t when WaitingInReserveOf(t.From) is { } waiting && t.Node != t.From && !FailedNodes.Contains(t.Node) =>
            [new ChunkReleased(t.From, waiting.Attempt, $"taken over by idle node {t.Node}"), new ChunkAssigned(t.Node, Attempts + 1, t.At)],
        StartEncoding s when Run(s.Attempt) is { IsLive: true, Encoding: false } r && r.Node == s.Node => [new ChunkEncodingStarted(s.Node, s.Attempt)],
        // A late result from an attempt that was released is still good work: accept it once, unless the chunk is already settled.
        AcceptResult r when Run(r.Attempt) is { Verifying: false } => [new ChunkResultReceived(r.Node, r.Attempt, r.Sha256, r.Bytes)],
        MarkVerified v when Run(v.Attempt) is { Verifying: true } => [new ChunkVerified(v.Node, v.Attempt, v.Sha256, v.Frames) { VideoBytes = v.VideoBytes }],
        FailAttempt f when Run(f.Attempt) is not null => FailAndMaybeGiveUp(f),
        ReleaseFromNode r => LiveRuns.Where(run => run.Node == r.Node).Select(run => (ChunkEvent)new ChunkReleased(r.Node, run.Attempt, r.Reason)).ToList(),
        _ => [],
    };

    /// <summary>The one attempt of this chunk, held by <paramref name="node"/> and not started yet; null otherwise.</summary>
    public ChunkRun? WaitingInReserveOf(string node) =>
        !IsFinal && Status == ChunkStates.Assigned && LiveRuns.ToList() is [{ Encoding: false } only] && only.Node == node ? only : null;

    /// <summary>
    /// Whether <paramref name="node"/> may run a second, concurrent attempt: the chunk is being worked on elsewhere,
    /// by a node that has had it at least <paramref name="minElapsed"/>, and this node has not failed it before.
    /// </summary>
    public bool CanSpeculateOn(string node, DateTimeOffset at, TimeSpan minElapsed)
    {
        if (IsFinal || Status is not (ChunkStates.Assigned or ChunkStates.Encoding)) return false;
        var live = LiveRuns.ToList();
        return live.Count is > 0 and < MaxLiveRuns
            && live.All(r => r.Node != node && at - r.At >= minElapsed)
            && !FailedNodes.Contains(node);
    }

    /// <summary>
    /// A node that failed this chunk takes it again only when no other node that could take it has not failed it:
    /// so a broken chunk is tried on different nodes (and fails with a clear reason), while a lone node still retries.
    /// </summary>
    public bool BetterLeftTo(string node, IReadOnlyCollection<string>? peers) =>
        FailedNodes.Contains(node) && peers is not null && peers.Any(p => p != node && !FailedNodes.Contains(p));

    /// <summary>The job runs again: anything not verified (and not being verified) goes back to the queue.</summary>
    private IReadOnlyList<ChunkEvent> Retry(RetryChunk r) =>
        Status is ChunkStates.Failed or ChunkStates.Assigned or ChunkStates.Encoding || (Status == ChunkStates.Pending && (FailedNodes.Count > 0 || !Runs.IsEmpty))
            ? [new ChunkRetried(r.At)]
            : [];

    private ChunkRun? Run(int attempt) => Runs.Find(r => r.Attempt == attempt);

    private ImmutableList<ChunkRun> Update(int attempt, Func<ChunkRun, ChunkRun> change) =>
        Run(attempt) is { } run ? Runs.Replace(run, change(run)) : Runs;

    /// <summary>Status, node and current attempt follow from the runs: verifying beats encoding beats assigned.</summary>
    private ChunkState With(ImmutableList<ChunkRun> runs)
    {
        if (IsFinal) return this with { Runs = runs };
        var focus = runs.LastOrDefault(r => r.Verifying) ?? runs.LastOrDefault(r => r.IsLive && r.Encoding) ?? runs.LastOrDefault(r => r.IsLive);
        var status = focus is null ? ChunkStates.Pending
            : focus.Verifying ? ChunkStates.Verifying
            : focus.Encoding ? ChunkStates.Encoding
            : ChunkStates.Assigned;
        return this with { Runs = runs, Status = status, Node = focus?.Node, CurrentAttempt = focus?.Attempt ?? CurrentAttempt };
    }

    /// <summary>A node's error starts with ffmpeg's own last error line; the stderr tail after it stays in the chunk's LastError.</summary>
    public static string Headline(string error) =>
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? error;

    private IReadOnlyList<ChunkEvent> FailAndMaybeGiveUp(FailAttempt f)
    {
        // Each blame makes the next attempt start at an earlier keyframe, down to the file start, which is never blamed: this ends.
        if (f.BlamedEntry is not null) return [new ChunkAttemptFailed(f.Node, f.Attempt, f.Error, EntryBlamed: true)];
        var failed = new ChunkAttemptFailed(f.Node, f.Attempt, f.Error);
        var after = Apply(failed);
        var distinct = after.FailedNodes.Distinct().Count();
        if (distinct >= MaxFailedNodes || after.FailedNodes.Count >= MaxFailedAttempts)
            return [failed, new ChunkFailed($"chunk {Index} failed on {Plural.Of(distinct, "node")}, {Plural.Of(after.FailedNodes.Count, "attempt")}: {Headline(f.Error)}")];
        return [failed];
    }
}
