using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Flock.Media.Assembly;
using Flock.Media.Options;
using Flock.Media.Planning;
using Flock.Media.Verification;
using Flock.Messages.Chunks;
using Flock.Messages.Jobs;
using Flock.Seed.Hosting;
using Flock.Seed.Jobs;
using Flock.Seed.Planning;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Chunks;

/// <summary>
/// One chunk of one job (persistence id chunk-JOB-INDEX). Every state change is journalled before it is acted on,
/// so a restarted seed knows exactly which chunks are verified and which attempt each is on.
/// </summary>
/// <remarks>
/// What follows a journalled event runs in its persist handler, before Akka lets any other message in. Once verified,
/// and with no other result still being checked, the actor stops: its job journals the chunk's summary and answers for
/// it from then on. Its journal stays (it is the chunk's full record, and deleting it would cost a write per chunk for
/// nothing a restart reads: the job's summary says not to recover it).
/// </remarks>
public sealed class ChunkActor : UntypedPersistentActor
{
    private readonly string _jobId;
    private readonly JobPlanFiles _plan;
    private readonly string _chunkDirectory;
    private readonly TimeProvider _clock;
    private ChunkState _state;
    private readonly Dictionary<int, IActorRef> _resultWaiters = [];
    private readonly CancellationTokenSource _lifetime = new();
    private readonly string _sourcePath;
    private readonly VerifyLevel _verify;
    private ImmutableSortedSet<long> _badEntries;
    /// <summary>The keyframe each attempt handed out here started decoding from (null: the file start).</summary>
    private readonly Dictionary<int, long?> _entries = [];
    /// <summary>Results being checked now: a verified chunk stops only once the losers' checks are answered too.</summary>
    private int _checking;

    public ChunkActor(string jobId, int index, JobPlanFiles plan, string chunkDirectory, TimeProvider clock, ChunkChecks checks, ILoggerFactory logs)
    {
        Log = ActorLogging.For(logs, typeof(ChunkActor), Self);
        _sourcePath = checks.SourcePath;
        _badEntries = checks.BadEntries;
        _verify = checks.Level;
        _jobId = jobId;
        _plan = plan;
        _chunkDirectory = chunkDirectory;
        _clock = clock;
        _state = ChunkState.Initial(index);
    }

    public static Props Props(string jobId, int index, JobPlanFiles plan, string chunkDirectory, TimeProvider clock, ChunkChecks checks, ILoggerFactory logs) =>
        Akka.Actor.Props.Create(() => new ChunkActor(jobId, index, plan, chunkDirectory, clock, checks, logs));

    public override string PersistenceId => $"chunk-{_jobId}-{_state.Index}";

    /// <summary>A snapshot after every this many events keeps a long-lived chunk's recovery short.</summary>
    public const int SnapshotEvery = 50;

    private new ILogger Log { get; }

    public static string ResultFile(string chunkDirectory, int index) => Path.Combine(chunkDirectory, $"{index:D6}.mp4");

    protected override void PostStop()
    {
        _lifetime.Cancel();
        base.PostStop();
    }

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case ChunkEvent e:
                _state = _state.Apply(e);
                break;
            case SnapshotOffer { Snapshot: ChunkState snapshot }:
                _state = snapshot;
                break;
            case RecoveryCompleted:
                // A result that was being checked when the seed stopped is checked again: it is on disk, nothing is lost.
                foreach (var run in _state.IsFinal ? [] : _state.Runs.Where(r => r.Verifying))
                    StartVerification(PendingFile(run.Attempt), run.Node, run.Attempt, run.Sha256 ?? "");
                Context.Parent.Tell(new ChunkChanged(_state));
                // After the commands that came during recovery (Akka lets those in first), so a claim is refused, not lost.
                if (_state.Status == ChunkStates.Done) Self.Tell(new StopIfVerified());
                break;
        }
    }

    /// <summary>A verified chunk has nothing left to do once every result it was checking is answered.</summary>
    private void StopOnceVerified()
    {
        if (_state.Status == ChunkStates.Done && _checking == 0) Context.Stop(Self);
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case AssignChunkTo or SpeculateOn or TakeOver:
                var events = _state.Process((ChunkCommand)message);
                if (events.Count == 0) { Sender.Tell(new NothingToClaim()); return; }
                // Not CurrentAttempt: while the first attempt is encoding, that still names the first, not this new one.
                var claimant = Sender;
                _claimAwaitingJournal = claimant;
                PersistThen(events, () =>
                {
                    _claimAwaitingJournal = null;
                    claimant.Tell(new ChunkClaimed(BuildAssignment(events.OfType<ChunkAssigned>().Last().Attempt)));
                });
                break;
            case SubmitChunkResult r:
                OnResult(r);
                break;
            case VerificationDone v:
                OnVerified(v);
                break;
            case EntryPointsKnown k:
                _badEntries = _badEntries.Union(k.Bad);
                break;
            case FailAttempt { SourceDecode: true, BlamedEntry: null } f when _state.Runs.Any(r => r.Attempt == f.Attempt) && !EntryPoints.IsFileStart(_plan.Timeline, EntryOf(f.Attempt)):
                // Decoding from a keyframe failed: the next attempt starts at an earlier one (a damaged source fails there too, from the file start at the latest).
                var entry = EntryOf(f.Attempt)!.Value;
                RejectEntries([new BadEntryPoint(entry, Headline(f.Error))]);
                PersistThen(_state.Process(f with { BlamedEntry = entry }));
                break;
            case ChunkCommand c:
                PersistThen(_state.Process(c));
                break;
            case StopIfVerified:
                StopOnceVerified();
                break;
            case SaveSnapshotSuccess:
                break;
            case SaveSnapshotFailure f:
                // A missed snapshot only makes the next recovery longer; it must not fail the actor.
                Log.LogWarning(f.Cause, "snapshot of {PersistenceId} at {SequenceNr} failed", PersistenceId, f.Metadata.SequenceNr);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Who asked the claim being journalled: answered at once should the write fail.</summary>
    private IActorRef? _claimAwaitingJournal;

    /// <summary>
    /// Akka.Persistence stops this actor after this (its job starts it again from its journal): the job, and the queue
    /// behind it, would otherwise wait out the claim's whole timeout.
    /// </summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistFailure(cause, @event, sequenceNr);
        _claimAwaitingJournal?.Tell(new NothingToClaim());
    }

    /// <summary>Journals the events and applies each; <paramref name="then"/> runs after the last one is applied.</summary>
    private void PersistThen(IReadOnlyList<ChunkEvent> events, Action? then = null)
    {
        if (events.Count == 0)
        {
            then?.Invoke();
            return;
        }
        // Stamped here, not in Process, so deciding stays pure; the time dates the end of an attempt in the history.
        var now = _clock.GetUtcNow();
        PersistAll(events.Select(e => e with { RecordedAt = now }).ToList(), Apply);
        if (then is not null) DeferAsync(events[^1], _ => then());
    }

    private void OnResult(SubmitChunkResult r)
    {
        var events = _state.Process(new AcceptResult(r.NodeName, r.Attempt, r.Sha256, r.Bytes));
        if (events.Count == 0)
        {
            File.Delete(r.FilePath);
            Sender.Tell(new ChunkResultAnswer(false, _state.IsFinal ? $"chunk {_state.Index} is already {_state.Status}" : $"chunk {_state.Index} does not expect attempt {r.Attempt}"));
            return;
        }
        var pending = PendingFile(r.Attempt);
        File.Move(r.FilePath, pending, overwrite: true);
        var sender = Sender;
        PersistThen(events, () =>
        {
            _resultWaiters[r.Attempt] = sender;
            StartVerification(pending, r.NodeName, r.Attempt, r.Sha256);
        });
    }

    private void StartVerification(string file, string node, int attempt, string sha)
    {
        var chunk = _plan.Plan.Chunks[_state.Index];
        var jobDirectory = Path.GetDirectoryName(_chunkDirectory)!;
        var check = new ContentCheckRequest(_sourcePath, _plan.Plan, _plan.Timeline, chunk, EntryOf(attempt), _badEntries, _verify,
            Transfers.ResultStreams.FrameHashFile(_chunkDirectory, _state.Index, attempt), Path.Combine(jobDirectory, ChunkChecks.ReferenceFileName),
            _plan.Source.MainVideo?.CodecName ?? "");
        var plan = _plan.Plan;
        var ct = _lifetime.Token;
        var log = Log;
        _checking++;
        Task.Run(async () =>
            {
                // The frames fed to the encoder first: a wrong decode is the entry point's fault, and says where to start instead.
                var content = await ChunkContentCheck.CheckAsync(check, ct).ConfigureAwait(false);
                var videoBytes = content.Error is null ? await OutputVerifier.VerifyChunkAsync(file, plan, chunk, ct, log).ConfigureAwait(false) : 0;
                return (content, videoBytes);
            }, CancellationToken.None)
            .PipeTo(Self,
                success: r => new VerificationDone(node, attempt, sha, file, r.content.Error is null ? chunk.FrameCount : 0, r.content.Error, r.content.BadEntries,
                    r.content.Blames(check.Entry) ? check.Entry : null) { VideoBytes = r.videoBytes },
                failure: e => new VerificationDone(node, attempt, sha, file, 0, e.Message, [], null));
    }

    /// <summary>The entry an attempt was given; for one handed out before a seed restart, the one it would be given now.</summary>
    private long? EntryOf(int attempt) =>
        _entries.TryGetValue(attempt, out var entry) ? entry : EntryPoints.For(_plan.Timeline, _plan.Plan.Chunks[_state.Index], _badEntries, NeedsFrameBefore);

    /// <summary>Known here at once (the next assignment of this chunk skips them) and told to the job, which tells every chunk.</summary>
    private void RejectEntries(IReadOnlyList<BadEntryPoint> entries)
    {
        if (entries.Count == 0) return;
        _badEntries = _badEntries.Union(entries.Select(e => e.Pts));
        foreach (var e in entries) Log.LogWarning("job {JobId} chunk {ChunkIndex}: the keyframe at pts {Pts} is not a clean entry point: {Reason}", _jobId, _state.Index, e.Pts, e.Reason);
        Context.Parent.Tell(new EntryPointsRejected(entries));
    }

    private static string Headline(string error) =>
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? error;

    private void OnVerified(VerificationDone v)
    {
        _resultWaiters.Remove(v.Attempt, out var waiter);
        _checking--;
        RejectEntries(v.BadEntries);
        // The node's frame hashes served this check only (the folder itself is gone once the job settled).
        var hashes = Transfers.ResultStreams.FrameHashFile(_chunkDirectory, _state.Index, v.Attempt);
        if (File.Exists(hashes)) File.Delete(hashes);
        // The job settled while this result was checked and its work files were removed.
        if (v.Error is null && !File.Exists(v.File)) v = v with { Error = "the result file is gone: the job is over" };
        if (v.Error is null)
        {
            var verified = _state.Process(new MarkVerified(v.Node, v.Attempt, v.Sha256, v.Frames) { VideoBytes = v.VideoBytes });
            if (verified.Count == 0)
            {
                // Another attempt of this chunk was verified first (speculative re-run): this one never counts.
                File.Delete(v.File);
                waiter?.Tell(new ChunkResultAnswer(false, $"chunk {_state.Index} is already {_state.Status}"));
                StopOnceVerified();
                return;
            }
            File.Move(v.File, ResultFile(_chunkDirectory, _state.Index), overwrite: true);
            // Interrupted uploads of other attempts can never be needed now.
            foreach (var stale in Directory.EnumerateFiles(_chunkDirectory, $"{_state.Index:D6}.attempt*.part")) File.Delete(stale);
            PersistThen(verified, () =>
            {
                Log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt} from {Node} verified: {Frames} frames", _jobId, _state.Index, v.Attempt, v.Node, v.Frames);
                waiter?.Tell(new ChunkResultAnswer(true, $"chunk {_state.Index} verified"));
                StopOnceVerified();
            });
        }
        else
        {
            Log.LogWarning("job {JobId} chunk {ChunkIndex} attempt {Attempt} from {Node} rejected: {Error}", _jobId, _state.Index, v.Attempt, v.Node, v.Error);
            if (File.Exists(v.File)) File.Delete(v.File);
            var error = v.Error;
            PersistThen(_state.Process(new FailAttempt(v.Node, v.Attempt, error, BlamedEntry: v.BlamedEntry)), () =>
            {
                waiter?.Tell(new ChunkResultAnswer(false, error));
                StopOnceVerified();
            });
        }
    }

    private void Apply(ChunkEvent e)
    {
        _state = _state.Apply(e);
        Context.Parent.Tell(new ChunkChanged(_state));
        if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
    }

    private string PendingFile(int attempt) => Path.Combine(_chunkDirectory, $"{_state.Index:D6}.attempt{attempt}.mp4");

    private AssignChunk BuildAssignment(int attempt)
    {
        var plan = _plan.Plan;
        var chunk = plan.Chunks[_state.Index];
        _entries[attempt] = EntryPoints.For(_plan.Timeline, chunk, _badEntries, NeedsFrameBefore);
        return new AssignChunk(
            _jobId,
            _state.Index,
            attempt,
            $"/api/jobs/{_jobId}/source",
            EntryPoints.SeekSeconds(plan, _plan.Timeline, chunk, _badEntries, NeedsFrameBefore),
            chunk.StartPts,
            chunk.EndPts,
            plan.StreamIndex,
            plan.TimeBase.Denominator,
            _plan.Options.Video,
            _plan.Options.VideoFilter,
            chunk.FrameCount,
            SourceSpans.For(_plan.Timeline, chunk, _entries[attempt], NeedsFrameBefore ? NeighbourFilters.FramesAfter : 0))
        {
            TimeBaseNumerator = plan.TimeBase.Numerator,
            WholeHashFrames = ChunkContentCheck.WholeFramesCompared(_verify),
        };
    }

    /// <summary>The user's filter looks at neighbouring frames: the decode starts a keyframe earlier and reads past the end.</summary>
    private bool NeedsFrameBefore => NeighbourFilters.Any(_plan.Options.VideoFilter);

    private sealed record StopIfVerified;

    private sealed record VerificationDone(string Node, int Attempt, string Sha256, string File, int Frames, string? Error,
        IReadOnlyList<BadEntryPoint> BadEntries, long? BlamedEntry)
    {
        public long VideoBytes { get; init; }
    }
}
