using Akka.Actor;
using Akka.Dispatch;
using Akka.Persistence;
using Flock.Media.Assembly;
using Flock.Media.Encoding;
using Flock.Media.Options;
using Flock.Media.Planning;
using Flock.Media.Processes;
using Flock.Media.Storage;
using Flock.Media.Verification;
using Flock.Messages;
using Flock.Messages.Chunks;
using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Flock.Seed.Cluster;
using Flock.Seed.Hosting;
using Flock.Seed.Live;
using Flock.Seed.Planning;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Jobs;

/// <summary>
/// One job (persistence id job-ID): plans it, hands chunks out on claim, and assembles and verifies the output once
/// every chunk is verified. A chunk gets its <see cref="ChunkActor"/> when it is first handed out (journalled as
/// <see cref="JobChunksOpened"/>) and loses it once verified (journalled as <see cref="JobChunkVerified"/>): a restarted
/// seed recovers only the chunks in flight as actors, the verified ones are summaries and the others lines of the plan.
/// </summary>
/// <remarks>
/// What follows a journalled event runs in its persist handler: Akka holds every other message back until then, so
/// no message sees a state the journal does not have yet.
/// </remarks>
public sealed class JobActor : UntypedPersistentActor, IWithTimers
{
    private readonly string _id;
    private readonly JobSpec? _newSpec;
    private readonly string _directory;
    private readonly TimeProvider _clock;
    private readonly IActorRef _jobs;
    private readonly ChunkSizing _sizing;
    private readonly long _minFreeSpace;
    private JobState? _state;
    private JobPlanFiles? _plan;
    private RateControl? _rate;
    /// <summary>Set while only the first chunk is planned: it is handed out while the rest of the file is read.</summary>
    private JobPlanFiles? _head;
    private readonly SortedDictionary<int, ChunkView> _chunks = new();
    private readonly Dictionary<int, IActorRef> _chunkActors = new();
    /// <summary>Chunk actors that have not reported their recovered state yet: until then their views are only placeholders.</summary>
    private readonly HashSet<int> _chunksRecovering = [];
    /// <summary>What nodes did (left, lost, came back) while chunks were still recovering: judged once their states are known.</summary>
    private readonly List<(object Message, IActorRef Sender)> _nodeNewsWaiting = [];
    private readonly ILoggerFactory _logs;
    private readonly CancellationTokenSource _lifetime = new();
    /// <summary>The copy of the source's other streams under way (<see cref="OtherStreams"/>); null when none is.</summary>
    private CancellationTokenSource? _copyingOtherStreams;
    private bool _assemblyRunning;
    /// <summary>The verified chunks' keyframes hashed ahead of the join, and the hashing under way (null when none is).</summary>
    private KeyframesAhead _keyframesAhead = KeyframesAhead.None;
    private Task<IReadOnlyList<KeyframeRun>>? _keyframesHashing;
    /// <summary>A job settled before settled chunk summaries existed is reading its chunks back to journal one.</summary>
    private bool _backfilling;
    /// <summary>The job settled while chunks were still being read back: its summary is journalled again once they are.</summary>
    private bool _summaryStale;
    /// <summary>Messages that came before <see cref="Resume"/>; null once resumed.</summary>
    private List<(object Message, IActorRef Sender)>? _waiting = [];
    private JobThroughput _throughput = JobThroughput.Empty();
    /// <summary>The ETA last given; it starts again whenever the throughput does.</summary>
    private EtaEstimate? _eta;
    /// <summary>The whole run's rate for the dashboard's chart; like the throughput, live only (not journalled).</summary>
    private FpsHistory _fpsHistory = FpsHistory.Empty();
    /// <summary>Each chunk as its actor last reported it: what the event feed compares a new report with.</summary>
    private readonly Dictionary<int, ChunkState> _reported = [];
    /// <summary>The source's duration from the plan; for a settled job read once from its plan file.</summary>
    private double? _sourceSeconds;
    private bool _sourceSecondsLooked;
    private readonly VerifyLevel _verify;
    /// <summary>A job with 10,000 chunks journals 10,000 summaries: a snapshot every this many events keeps its recovery short.</summary>
    public const int SnapshotEvery = 500;
    private long _snapshotAt;
    /// <summary>The sequence number of the compacted state's snapshot while it is being saved; null otherwise.</summary>
    private long? _compactingAt;
    /// <summary>The journals of the chunks of the job being compacted, read before compaction forgets which were opened.</summary>
    private IReadOnlyList<string> _compactingChunks = [];
    /// <summary>Asked to compact while chunk actors still ran: they were stopped, and compaction follows the last one.</summary>
    private bool _compactOnceChunksStop;
    /// <summary>Publishes a live job as HLS (<see cref="JobSpec.Live"/>); null until its plan is known, and for other jobs.</summary>
    private IActorRef? _live;
    /// <summary>The verified prefix last told to <see cref="_live"/>, so chunk progress does not repeat it.</summary>
    private int _livePrefixTold = -1;
    private int _liveCaughtUp;
    /// <summary>The output is ready but the live playlist is still behind: completing now would remove chunks it has yet to publish.</summary>
    private AssemblyFinished? _assembledBeforeLive;

    /// <summary>HLS segments are cut at the chunk's keyframes near this length (ffmpeg's -hls_time).</summary>
    private const double LiveSegmentSeconds = 2;

    public JobActor(string id, JobSpec? newSpec, string directory, IActorRef jobs, ChunkSizing sizing, long minFreeSpace, TimeProvider clock, VerifyLevel verify, ILoggerFactory logs)
    {
        _verify = verify;
        _logs = logs;
        Log = ActorLogging.For(logs, typeof(JobActor), Self);
        Outcomes = ActorLogging.For(logs, OutcomeCategory, Self);
        _sizing = sizing;
        _minFreeSpace = minFreeSpace;
        _id = id;
        _newSpec = newSpec;
        _directory = directory;
        _jobs = jobs;
        _clock = clock;
    }

    public static Props Props(string id, JobSpec? newSpec, string directory, IActorRef jobs, ChunkSizing sizing, long minFreeSpace, TimeProvider clock, VerifyLevel verify,
        ILoggerFactory logs) =>
        Akka.Actor.Props.Create(() => new JobActor(id, newSpec, directory, jobs, sizing, minFreeSpace, clock, verify, logs));

    public override string PersistenceId => $"job-{_id}";

    private new ILogger Log { get; }

    /// <summary>
    /// The log category of a job's end (failed): `flock encode` and `flock demo` say that themselves in one `error:`
    /// line, so they leave this category out; a seed service logs it as any other.
    /// </summary>
    public const string OutcomeCategory = "Flock.Seed.Jobs.JobOutcome";

    private ILogger Outcomes { get; }

    private string ChunkDirectory => Path.Combine(_directory, "chunks");

    /// <summary>The join's scraps, and the copy of the source's other streams it reads (<see cref="OtherStreams"/>).</summary>
    private string AssemblyDirectory => Path.Combine(_directory, "assembly");

    private string LiveDirectory => Path.Combine(_directory, "live");

    /// <summary>Same as the old runtime's default: a chunk failing over and over is stopped rather than spinning forever.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    protected override void PostStop()
    {
        // Planning and assembly still running for this instance are of no use to anyone now.
        _lifetime.Cancel();
        base.PostStop();
    }

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case JobEvent e:
                _state = e is JobSubmitted s ? JobState.Start(s) : _state!.Apply(e);
                break;
            case SnapshotOffer { Snapshot: JobState snapshot } offer:
                _state = snapshot;
                _snapshotAt = offer.Metadata.SequenceNr;
                break;
            case RecoveryCompleted:
                Self.Tell(new Resume());
                break;
        }
    }

    protected override void OnCommand(object message)
    {
        if (_waiting is not null && message is not Resume)
        {
            // Resume spawns the chunk actors: a result or claim handled before it would find no chunk.
            _waiting.Add((message, Sender));
            return;
        }
        switch (message)
        {
            case Resume:
                // The early messages queue up behind the submission's persist handler, which Akka runs first.
                ResumeJob();
                var waiting = _waiting ?? [];
                _waiting = null;
                foreach (var (early, sender) in waiting) Self.Tell(early, sender);
                break;
            case HeadPlanFinished h:
                OnHeadPlanned(h.Head);
                break;
            case PlanFinished p:
                OnPlanned(p.Plan);
                break;
            case FailJob f:
                Fail(f.Reason);
                break;
            case PlanFailed f:
                Fail(f.Reason);
                break;
            case ClaimChunk c:
                // Asks its chunks one by one; the mailbox waits meanwhile, as a claim must see the claims before it.
                ActorTaskScheduler.RunTask(() => ClaimAsync(c));
                break;
            case StealChunk s:
                ActorTaskScheduler.RunTask(() => StealAsync(s));
                break;
            case ChunkChanged changed when _chunks.TryGetValue(changed.State.Index, out var seen) && changed.State.Attempts < seen.State.Attempts:
                // A chunk opened for a claim reports its empty recovery after the claim already counted its first attempt.
                Recovered(changed.State.Index);
                break;
            case ChunkChanged changed:
                // While backfilling, the chunks are only read: a settled job tells no node to stop or hold anything.
                if (_backfilling) _chunks[changed.State.Index] = new ChunkView(changed.State, 0, 0);
                else
                {
                    JournalVerified(changed.State);
                    OnChunkChanged(changed.State);
                }
                Recovered(changed.State.Index);
                break;
            case NodeGone or NodeLeaving or NodeRejoined or ReleaseOrphanedChunks when _chunksRecovering.Count > 0:
                // A node that rejoined a restarted seed before its chunks were read back would be matched against empty
                // placeholders, and a chunk it no longer holds would stay assigned to it forever.
                _nodeNewsWaiting.Add((message, Sender));
                break;
            case ChunkReport r:
                OnReport(r);
                break;
            case EntryPointsRejected r:
                OnEntryPointsRejected(r);
                break;
            case MeasureFirstPass m:
                AnswerSecondPass(m);
                break;
            case JournalRateThenAnswer j:
                JournalRate(j);
                break;
            case SubmitChunkResult r when _chunkActors.TryGetValue(r.ChunkIndex, out var chunk) && _state is { IsFinal: false }:
                chunk.Tell(r, Sender);
                break;
            case SubmitChunkResult r when _chunks.TryGetValue(r.ChunkIndex, out var view) && view.State.Status == ChunkStates.Done:
                // A losing attempt's result, after the verified chunk's actor stopped: answered as that actor would have.
                File.Delete(r.FilePath);
                Sender.Tell(new ChunkResultAnswer(false, $"chunk {r.ChunkIndex} is already {ChunkStates.Done}"));
                break;
            case SubmitChunkResult r when _state is { IsFinal: false }:
                // A chunk this job does not know (yet): the node keeps its result and sends it again, never drops it.
                File.Delete(r.FilePath);
                Sender.Tell(new ChunkResultAnswer(false, $"job {_id} has no chunk {r.ChunkIndex} ready for results yet", TryAgain: true));
                break;
            case SubmitChunkResult r:
                File.Delete(r.FilePath);
                Sender.Tell(new ChunkResultAnswer(false, $"job {_id} is {_state?.Stage ?? "unknown"}"));
                break;
            case NodeGone g:
                var releasedAny = false;
                foreach (var (index, view) in _chunks.Where(c => c.Value.State.IsHeldBy(g.NodeName)).ToList())
                {
                    var release = new ReleaseFromNode(g.NodeName, g.Reason);
                    TellChunk(index, release);
                    // Shown released at once, as the claim paths do: the chunk's own ChunkChanged follows once journalled,
                    // and a lost node's chunk must not look held by it to anyone asking meanwhile.
                    var released = view.State.Process(release).Aggregate(view.State, (state, e) => state.Apply(e));
                    _chunks[index] = released.Status == ChunkStates.Pending ? new ChunkView(released, 0, 0) : view with { State = released };
                    releasedAny |= released.Status == ChunkStates.Pending;
                }
                if (releasedAny && _state is { IsFinal: false }) _jobs.Tell(new WorkAvailable());
                break;
            case NodeLeaving l:
                // Not started yet means still in the node's reserve, which it drops on leaving. A chunk it did start in
                // the meantime and finishes anyway is a late result, accepted once.
                foreach (var (index, _) in _chunks.Where(c => c.Value.State.Status == ChunkStates.Assigned && c.Value.State.Node == l.NodeName))
                    TellChunk(index, new ReleaseFromNode(l.NodeName, "node leaving before it started the chunk"));
                break;
            case NodeRejoined r:
                // What the node still runs of a chunk verified meanwhile, or of a settled job, could only be refused once
                // done: stop it now rather than leave its ffmpeg working for nothing (and reading a source that may be gone).
                foreach (var held in r.Held.Where(h => h.JobId == _id))
                {
                    var why = _state is { IsFinal: true } settled ? $"job {_id} is {settled.Stage}"
                        : _chunks.TryGetValue(held.ChunkIndex, out var heldView) && heldView.State.Status == ChunkStates.Done
                            ? $"chunk {held.ChunkIndex} was finished by {heldView.State.Node}" : null;
                    if (why is not null) _jobs.Tell(new CancelOnNode(r.NodeName, new CancelChunk(_id, held.ChunkIndex, held.Attempt, why)));
                }
                foreach (var (index, view) in _chunks.Where(c => c.Value.State.IsHeldBy(r.NodeName)))
                {
                    var stillHeld = r.Held.Any(h => h.JobId == _id && h.ChunkIndex == index
                        && view.State.LiveRuns.Any(run => run.Node == r.NodeName && run.Attempt == h.Attempt));
                    if (!stillHeld) TellChunk(index, new ReleaseFromNode(r.NodeName, "node rejoined without it"));
                }
                break;
            case ReleaseOrphanedChunks o:
                foreach (var (index, view) in _chunks)
                    foreach (var node in view.State.LiveRuns.Select(run => run.Node).Where(n => !o.ConnectedNodes.Contains(n)).Distinct().ToList())
                        TellChunk(index, new ReleaseFromNode(node, o.Reason));
                break;
            case CancelJob:
                if (_state is { IsFinal: false })
                {
                    Settle(new JobCancelled(_clock.GetUtcNow()), "job cancelled", e =>
                    {
                        ApplyAndAnnounce(e);
                        _jobs.Tell(new JobActivity(e.At, JobEventKinds.JobCancelled, _id, null, null, $"job {_id} cancelled"));
                        CancelRunningAttempts("job cancelled");
                        Sender.Tell(ToResponse());
                    });
                }
                else Sender.Tell(ToResponse());
                break;
            case RetryJob:
                if (_compactOnceChunksStop)
                {
                    _compactOnceChunksStop = false;
                    CompactionEnded(compacted: false);
                }
                Retry();
                break;
            case CompactJournal:
                Compact();
                break;
            case ChunkJournalsDeleted d:
                if (d.Failed > 0) Log.LogWarning("job {JobId} compacted; {Failed} of the deletions of its {Chunks} chunks' journals failed (their rows stay)", _id, d.Failed, d.Chunks);
                else Log.LogInformation("job {JobId} compacted: its final state kept as a snapshot, its events and its {Chunks} chunks' journals deleted", _id, d.Chunks);
                CompactionEnded(compacted: true);
                break;
            case DeleteMessagesSuccess:
                break;
            case DeleteMessagesFailure f:
                Log.LogWarning(f.Cause, "deleting the compacted events of {PersistenceId} failed; they stay and are read back at the next start", PersistenceId);
                break;
            case SetJobPriority p:
                void AnswerPriority()
                {
                    if (_state is { IsFinal: true }) Sender.Tell(new Status.Failure(new InvalidOperationException($"job {_id} is {_state.Stage}; its priority no longer matters")));
                    else Sender.Tell(ToResponse());
                }
                if (_state is { IsFinal: false } && _state.Spec.Priority != p.Priority)
                {
                    Persist(new JobPriorityChanged(p.Priority, _clock.GetUtcNow()), e =>
                    {
                        ApplyAndAnnounce(e);
                        Log.LogInformation("job {Job} priority {Priority}", _id, p.Priority);
                        AnswerPriority();
                    });
                }
                else AnswerPriority();
                break;
            case AssemblyFinished a when _live is not null && _liveCaughtUp < (_plan?.Plan.Chunks.Count ?? 0):
                _assembledBeforeLive = a;
                break;
            case LiveCaughtUp l:
                _liveCaughtUp = Math.Max(_liveCaughtUp, l.Chunks);
                if (_assembledBeforeLive is { } assembled && _liveCaughtUp >= (_plan?.Plan.Chunks.Count ?? 0))
                {
                    _assembledBeforeLive = null;
                    Self.Tell(assembled);
                }
                break;
            case AssemblyFinished a:
                _assemblyRunning = false;
                if (_state?.Accepts(new JobCompleted(a.OutputPath, default)) == true)
                {
                    Settle(new JobCompleted(a.OutputPath, _clock.GetUtcNow()), "job completed", e =>
                    {
                        ApplyAndAnnounce(e);
                        Log.LogInformation("job {JobId} completed: {Output}", _id, a.OutputPath);
                        _jobs.Tell(new JobActivity(e.At, JobEventKinds.JobCompleted, _id, null, null, $"job {_id} completed: {_state!.Spec.OutputShown()}"));
                    });
                }
                break;
            case AssemblyFailed f:
                _assemblyRunning = false;
                Fail(f.Reason);
                break;
            case KeyframesHashed k:
                _keyframesHashing = null;
                _keyframesAhead = _keyframesAhead.Finished(k.Runs);
                Log.LogInformation("job {JobId}: keyframes of chunks {Runs} hashed for the output's content check while the last chunks encode",
                    _id, string.Join(", ", k.Runs.Select(r => r.First == r.Last ? $"{r.First}" : $"{r.First}-{r.Last}")));
                break;
            case KeyframesHashingFailed f:
                _keyframesHashing = null;
                if (_state is { IsFinal: false } && !_lifetime.IsCancellationRequested) Log.LogWarning("job {JobId}: could not hash the verified chunks' keyframes ahead of the join ({Error}); the join hashes them itself", _id, f.Reason);
                break;
            case FetchJob:
                Sender.Tell(ToResponse());
                break;
            case FetchJobFile f:
                Sender.Tell(FileFor(f.Kind));
                break;
            case OpenChunk o:
                OpenChunkFor(o);
                break;
            case Terminated t when _chunkActors.FirstOrDefault(c => c.Value.Equals(t.ActorRef)) is { Value: not null } stopped:
                // A verified chunk stopped itself (or one failing over and over was given up by its supervisor).
                _chunkActors.Remove(stopped.Key);
                if (_compactOnceChunksStop && _chunkActors.Count == 0)
                {
                    _compactOnceChunksStop = false;
                    Compact();
                }
                else if (!_compactOnceChunksStop && _state is { IsFinal: false } && _chunks.TryGetValue(stopped.Key, out var left) && !left.State.IsFinal)
                    RestartChunkLater(stopped.Key);
                break;
            case RestartChunk r when !_chunkActors.ContainsKey(r.Index) && _state is { IsFinal: false } && (_plan ?? _head) is { } restartPlan
                && _chunks.TryGetValue(r.Index, out var stillOpen) && !stillOpen.State.IsFinal:
                Log.LogInformation("job {JobId} chunk {ChunkIndex}: starting its actor again from its journal", _id, r.Index);
                StartChunkActor(restartPlan, r.Index);
                _chunksRecovering.Add(r.Index);
                break;
            case Terminated:
                break;
            case SaveSnapshotSuccess saved:
                // The job's state is whole in every snapshot: older ones are of no use.
                DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
                if (_compactingAt == saved.Metadata.SequenceNr) Compacted(saved.Metadata.SequenceNr);
                break;
            case SaveSnapshotFailure f when _compactingAt == f.Metadata.SequenceNr:
                // Nothing was deleted: the job stays whole, and is asked again after the next start.
                _compactingAt = null;
                Log.LogWarning(f.Cause, "compacting job {JobId} failed: its snapshot could not be saved; every event is kept", _id);
                CompactionEnded(compacted: false);
                break;
            case SaveSnapshotFailure f:
                // A missed snapshot only makes the next recovery longer; it must not fail the job.
                Log.LogWarning(f.Cause, "snapshot of {PersistenceId} at {SequenceNr} failed", PersistenceId, f.Metadata.SequenceNr);
                break;
            case DeleteSnapshotsSuccess or DeleteSnapshotsFailure:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// Retention: a settled job keeps its final state as one snapshot (its chunk summaries are all `job show` reads of
    /// it), and its events and its chunks' journals go once that snapshot is saved.
    /// </summary>
    private void Compact()
    {
        // Already under way: that one answers the queue.
        if (_compactingAt is not null || _compactOnceChunksStop) return;
        if (_state is not { IsFinal: true, Compacted: false, SettledChunks: not null } state || _backfilling || _summaryStale)
        {
            CompactionEnded(compacted: false);
            return;
        }
        if (_chunkActors.Count > 0)
        {
            // A settled job's chunk actors have nothing left to do; their journals cannot go while they run.
            _compactOnceChunksStop = true;
            foreach (var actor in _chunkActors.Values) Context.Stop(actor);
            return;
        }
        _compactingChunks = state.ChunkPersistenceIds(_id).ToList();
        _compactingAt = LastSequenceNr;
        SaveSnapshot(state.Compact());
    }

    /// <summary>The queue compacts one job at a time, so that thousands of old jobs do not flood the journal at once.</summary>
    private void CompactionEnded(bool compacted) => _jobs.Tell(new CompactJournalResponse(_id, compacted));

    private void Compacted(long snapshotAt)
    {
        _compactingAt = null;
        _snapshotAt = snapshotAt;
        var state = _state = _state!.Compact();
        // As a restarted seed would see them: the unverified chunks have no journal any more, only lines of the plan.
        foreach (var index in _chunks.Keys.Where(i => !state.VerifiedChunks.ContainsKey(i)).ToList())
        {
            _chunks[index] = new ChunkView(ChunkState.Initial(index), 0, 0);
            _reported.Remove(index);
        }
        DeleteMessages(snapshotAt);
        Context.ActorOf(ChunkJournalDeletion.Props(_compactingChunks), $"chunk-journal-deletion-{snapshotAt}");
    }

    private void ResumeJob()
    {
        if (_state is null)
        {
            if (_newSpec is null)
            {
                Log.LogError("job {JobId} has no journal and no spec: stopping", _id);
                _jobs.Tell(new JobGivenUp(_id));
                Context.Stop(Self);
                return;
            }
            Directory.CreateDirectory(ChunkDirectory);
            Persist(new JobSubmitted(_newSpec, _clock.GetUtcNow(), ChunksOnDemand: true), e =>
            {
                _state = JobState.Start(e);
                Resumed();
            });
            return;
        }
        Resumed();
    }

    private void Resumed()
    {
        Announce();
        var state = _state!;
        if (state.IsFinal) RemoveWorkFiles();
        if (state is { IsFinal: true, SettledChunks: null, ChunkCount: > 0 } && File.Exists(Path.Combine(_directory, JobPlanFiles.FileName)))
        {
            // Settled before its chunk summary was journalled: read its chunks back once and journal the summary, so
            // from the next restart on it spawns nothing, as a job settled now does.
            _backfilling = true;
            _plan = JobPlanFiles.Load(_directory);
            SpawnChunks(_plan);
            // Chunks verified under chunk summaries come back without an actor: nothing is left to report, journal now.
            if (_chunksRecovering.Count == 0) JournalSettledChunks();
        }
        else if (state.Stage is JobStates.Queued or JobStates.Planning)
        {
            StartPlanning();
        }
        else if (state.Stage is JobStates.Encoding or JobStates.Assembling)
        {
            _plan = JobPlanFiles.Load(_directory);
            SpawnChunks(_plan);
            CopyOtherStreams(_plan);
            // No chunk actor may be left to report (all verified, or none started yet): the job moves on by itself.
            if (_chunksRecovering.Count == 0) AdvanceIfAllVerified();
            _jobs.Tell(new WorkAvailable());
        }
    }

    private ChunkSizing Sizing(JobSpec spec) => _sizing with { ChunkSeconds = spec.ChunkSeconds };

    private void StartPlanning()
    {
        var spec = _state!.Spec;
        // A head planned before (a restart, a retry) may already be out on a node: the whole plan must keep its cut.
        if ((_head ?? JobPlanFiles.LoadHead(_directory)) is { } head) OnHeadPlanned(head);
        else
        {
            var cluster = Context.ActorSelection("/user/cluster");
            var sizing = Sizing(spec);
            var directory = _directory;
            var ct = _lifetime.Token;
            Task.Run(async () =>
            {
                // One head chunk per node that is up, so none waits for the whole file to be read.
                var nodes = await UpNodesAsync(cluster).ConfigureAwait(false);
                return await JobPlanner.PlanHeadAsync(spec, sizing, nodes, directory, ct).ConfigureAwait(false);
            }, CancellationToken.None).PipeTo(Self, success: h => new HeadPlanFinished(h), failure: e => new PlanFailed(e.Message));
        }
    }

    private void OnHeadPlanned(JobPlanFiles? head)
    {
        if (_state is not { Stage: JobStates.Queued or JobStates.Planning }) return; // cancelled meanwhile
        var spec = _state.Spec;
        if (head is not null)
        {
            _head = head;
            SpawnChunks(head);
            Announce();
        }
        var cluster = Context.ActorSelection("/user/cluster");
        var sizing = Sizing(spec);
        var directory = _directory;
        var ct = _lifetime.Token;
        Task.Run(async () =>
        {
            // Shorter tail chunks let several nodes finish together; a lone node only pays their start-up costs.
            // With none up yet, nodes are still to come and the tail stays.
            var nodes = await UpNodesAsync(cluster).ConfigureAwait(false);
            return await JobPlanner.PlanAsync(spec, nodes == 1 ? sizing with { TailChunks = 0 } : sizing, directory, head, ct).ConfigureAwait(false);
        }, CancellationToken.None).PipeTo(Self, success: p => new PlanFinished(p), failure: e => new PlanFailed(e.Message));
    }

    private static async Task<int> UpNodesAsync(ICanTell cluster) =>
        (await cluster.Ask<IdleNodesResponse>(new FetchIdleNodes(), TimeSpan.FromSeconds(10)).ConfigureAwait(false)).Powers.Count;

    private void OnPlanned(JobPlanFiles plan)
    {
        var planned = new JobPlanned(plan.Plan.Chunks.Count, plan.Plan.TotalFrames, plan.Options.VideoEncoder);
        if (_state?.Accepts(planned) != true) return; // cancelled while planning
        _plan = plan;
        _head = null;
        Persist(planned, e =>
        {
            ApplyAndAnnounce(e);
            Log.LogInformation("job {JobId} planned: {Chunks} chunks, {Frames} frames", _id, planned.ChunkCount, planned.TotalFrames);
            SpawnChunks(plan);
            CopyOtherStreams(plan);
        });
    }

    /// <summary>
    /// Gives each chunk of the plan that has no view yet (the head's chunks already have one) its view: a verified one
    /// its journalled summary, one with a journal of its own its actor (which reads it back), any other a pending line.
    /// </summary>
    private void SpawnChunks(JobPlanFiles plan)
    {
        Directory.CreateDirectory(ChunkDirectory);
        if (_chunks.Count == 0)
        {
            (_throughput, _eta) = (JobThroughput.Empty().Record(_clock.GetUtcNow(), 0), null);
            _fpsHistory = _fpsHistory.Record(_clock.GetUtcNow(), 0);
        }
        var state = _state!;
        var recover = state.ChunksNeedingActors(plan.Plan.Chunks.Count).ToHashSet();
        foreach (var chunk in plan.Plan.Chunks)
        {
            if (_chunks.ContainsKey(chunk.Index)) continue;
            if (state.VerifiedChunks.TryGetValue(chunk.Index, out var verified))
            {
                _chunks[chunk.Index] = new ChunkView(verified.ToState(), 0, 0);
                _reported[chunk.Index] = _chunks[chunk.Index].State;
                continue;
            }
            _chunks[chunk.Index] = new ChunkView(ChunkState.Initial(chunk.Index), 0, 0);
            if (!recover.Contains(chunk.Index)) continue;
            StartChunkActor(plan, chunk.Index);
            _chunksRecovering.Add(chunk.Index);
        }
        if (_chunksRecovering.Count > 0 || state.VerifiedChunks.Count > 0)
            Log.LogInformation("job {JobId}: {Recovering} chunk actors recovering, {Verified} chunks verified from the job's journal, {Pending} never started",
                _id, _chunksRecovering.Count, state.VerifiedChunks.Count, _chunks.Count - _chunksRecovering.Count - state.VerifiedChunks.Count);
    }

    /// <summary>Chunk <paramref name="index"/> has said where it stands: the last one to do so lets the node news waiting in.</summary>
    private void Recovered(int index)
    {
        if (!_chunksRecovering.Remove(index)) return;
        // Claims pass over a chunk while it recovers: one found pending can be handed out now (the queue coalesces these).
        if (_state is { IsFinal: false } && _chunks.TryGetValue(index, out var view) && view.State.Status == ChunkStates.Pending) _jobs.Tell(new WorkAvailable());
        if (_chunksRecovering.Count > 0) return;
        foreach (var (news, sender) in _nodeNewsWaiting) Self.Tell(news, sender);
        _nodeNewsWaiting.Clear();
        if ((_backfilling || _summaryStale) && _state is { IsFinal: true }) JournalSettledChunks();
    }

    /// <summary>
    /// A chunk actor that stopped while its chunk is open was stopped by Akka.Persistence: an event it could not write
    /// (the seed's disk full, the journal's database gone). Left so, its chunk could never finish and neither could the
    /// job; it starts again from its journal after a pause (<see cref="RestartBackoff{TKey}"/>).
    /// </summary>
    private void RestartChunkLater(int index)
    {
        var pause = _chunkRestarts.Next(index);
        Log.LogWarning("job {JobId} chunk {ChunkIndex}: its actor stopped (its journal could not be written); starting it again in {Seconds} s", _id, index, pause.TotalSeconds);
        Timers.StartSingleTimer($"restart-chunk-{index}", new RestartChunk(index), pause);
    }

    private readonly RestartBackoff<int> _chunkRestarts = new();

    /// <summary>Who asked the claim whose chunk is being opened in the journal: told at once should the write fail.</summary>
    private IActorRef? _claimAwaitingJournal;

    /// <summary>
    /// Akka.Persistence stops this actor after this: the queue, waiting on a claim it will never answer, would wait out
    /// its whole timeout (with every other job's dispatch behind it) before it heard the actor had gone.
    /// </summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistFailure(cause, @event, sequenceNr);
        _claimAwaitingJournal?.Tell(new JobStopping(_id));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed record RestartChunk(int Index);

    private void StartChunkActor(JobPlanFiles plan, int index)
    {
        var actor = Context.ActorOf(ChunkActor.Props(_id, index, plan, ChunkDirectory, _clock,
            new ChunkChecks(_state!.Spec.InputPath, _verify, _state.BadEntryPts), _logs), $"chunk-{index}");
        Context.Watch(actor);
        _chunkActors[index] = actor;
    }

    private void TellChunk(int index, ChunkCommand command)
    {
        if (_chunkActors.TryGetValue(index, out var actor)) actor.Tell(command);
    }

    /// <summary>
    /// A claim reached a chunk that never had an actor: the job journals that it has one from now on, starts it, and
    /// puts the claim to itself again (other claims may come first; each still sees the ones before it).
    /// </summary>
    private void OpenChunkFor(OpenChunk o)
    {
        if (_chunkActors.ContainsKey(o.Index))
        {
            // An earlier claim opened it meanwhile.
            Self.Tell(o.Claim, Sender);
            return;
        }
        if (_state is not { IsFinal: false } state || (_plan ?? _head) is not { } plan || state.VerifiedChunks.ContainsKey(o.Index))
        {
            Sender.Tell(new NothingToClaim());
            return;
        }
        if (state.IsOpened(o.Index))
        {
            // Its supervisor gave its actor up after it failed over and over: a claim starts it again.
            StartChunkActor(plan, o.Index);
            Self.Tell(o.Claim, Sender);
            return;
        }
        var sender = Sender;
        _claimAwaitingJournal = sender;
        Persist(new JobChunksOpened([o.Index], _clock.GetUtcNow()), e =>
        {
            _claimAwaitingJournal = null;
            _state = _state!.Apply(e);
            StartChunkActor(plan, o.Index);
            SnapshotIfDue();
            Self.Tell(o.Claim, sender);
        });
    }

    /// <summary>Journals a verified chunk's summary once; its actor stops by itself.</summary>
    private void JournalVerified(ChunkState chunk)
    {
        if (chunk.Status != ChunkStates.Done || _state is not { IsFinal: false } state || state.VerifiedChunks.ContainsKey(chunk.Index)) return;
        var at = _clock.GetUtcNow();
        var verifiedAt = chunk.History.LastOrDefault(h => h.Outcome == AttemptOutcomes.Done)?.Ended ?? at;
        Persist(new JobChunkVerified(SettledChunk.Of(chunk, verifiedAt, $"chunk {chunk.Index} was verified"), at), e =>
        {
            _state = _state!.Apply(e);
            SnapshotIfDue();
        });
    }

    private void SnapshotIfDue()
    {
        if (LastSequenceNr - _snapshotAt < SnapshotEvery) return;
        _snapshotAt = LastSequenceNr;
        SaveSnapshot(_state!);
    }

    private async Task ClaimAsync(ClaimChunk claim)
    {
        if (Stage != JobStates.Encoding) { Sender.Tell(new NothingToClaim()); return; }
        var now = _clock.GetUtcNow();
        var candidates = claim.SpeculateAfter is { } minElapsed
            ? SpeculationCandidates(claim.NodeName, now, minElapsed, claim.Powers).Select(index => (index, (ChunkCommand)new SpeculateOn(claim.NodeName, now, minElapsed)))
            : PendingFor(claim).Select(index => (index, (ChunkCommand)new AssignChunkTo(claim.NodeName, now, claim.Peers)));
        foreach (var (index, command) in candidates.ToList())
        {
            if (!_chunkActors.ContainsKey(index) && command is AssignChunkTo)
            {
                Self.Tell(new OpenChunk(index, claim), Sender);
                return;
            }
            if (await AskChunkAsync(index, command) is ChunkClaimed claimed)
            {
                // The child's ChunkChanged is still in our mailbox; mark it here so the next claim skips it.
                var view = _chunks[index];
                _chunks[index] = view with { State = view.State.Apply(new ChunkAssigned(claim.NodeName, claimed.Assignment.Attempt, now)) };
                // A job that waited behind others charts that wait as 0 fps, not as a slow start once its frames come.
                _fpsHistory = _fpsHistory.Record(now, 0);
                if (claim.SpeculateAfter is not null)
                    Log.LogInformation("job {Job} chunk {Chunk}: speculative attempt {Attempt} on idle node {Node}", _id, index, claimed.Assignment.Attempt, claim.NodeName);
                AnswerClaim(claimed, Sender);
                return;
            }
        }
        Sender.Tell(new NothingToClaim());
    }

    /// <summary>Pending chunks for a plain claim, best first; with the nodes' powers known, placed by <see cref="ChunkPlacement"/>.</summary>
    private IEnumerable<int> PendingFor(ClaimChunk claim)
    {
        // A chunk still reading its journal back only looks pending: it may be held, or verified, and is asked once it says.
        var open = _chunks.Where(c => c.Value.State.Status == ChunkStates.Pending && !_chunksRecovering.Contains(c.Key) && !c.Value.State.BetterLeftTo(claim.NodeName, claim.Peers))
            .Select(c => c.Key).ToHashSet();
        if (claim.Powers is not { Count: > 0 } powers) return open.Order();
        return ChunkPlacement.Candidates(_chunks.Values, ExpectedFrames, claim.NodeName, claim.Peers ?? [], powers).Where(open.Contains);
    }

    /// <summary>A claim put to one chunk: its answer, or <see cref="NothingToClaim"/> when it does not answer in time.</summary>
    private async Task<object> AskChunkAsync(int index, ChunkCommand command)
    {
        if (!_chunkActors.TryGetValue(index, out var actor)) return new NothingToClaim();
        try
        {
            return await actor.Ask<object>(command, TimeSpan.FromSeconds(30));
        }
        catch (AskTimeoutException)
        {
            Log.LogWarning("job {Job} chunk {Chunk} did not answer a claim", _id, index);
            return new NothingToClaim();
        }
    }

    private async Task StealAsync(StealChunk steal)
    {
        var choice = Stage == JobStates.Encoding && !_chunks.Values.Any(c => c.State.Status == ChunkStates.Pending)
            ? WorkStealing.Choose(_chunks.Values, ExpectedFrames, steal.NodeName, steal.Powers)
            : null;
        if (choice is not { } c) { Sender.Tell(new NothingToClaim()); return; }
        var view = _chunks[c.Index];
        var takeOver = new TakeOver(steal.NodeName, c.Holder, _clock.GetUtcNow());
        if (await AskChunkAsync(c.Index, takeOver) is not ChunkClaimed claimed) { Sender.Tell(new NothingToClaim()); return; }
        var waiting = view.State.WaitingInReserveOf(c.Holder)!;
        // As in ClaimAsync: the child's ChunkChanged is still queued, so the view is brought up to date here.
        _chunks[c.Index] = view with { State = view.State.Process(takeOver).Aggregate(view.State, (s, e) => s.Apply(e)) };
        _jobs.Tell(new CancelOnNode(c.Holder, new CancelChunk(_id, c.Index, waiting.Attempt, $"chunk {c.Index} was taken over by idle node {steal.NodeName}")));
        Log.LogInformation("job {Job} chunk {Chunk}: idle node {Node} takes it over from {Holder}'s reserve (attempt {Attempt})",
            _id, c.Index, steal.NodeName, c.Holder, claimed.Assignment.Attempt);
        AnswerClaim(claimed, Sender);
    }

    /// <summary>
    /// A job with a bitrate target: the chunk is asked for its share of the file's bits, corrected by what the chunks
    /// verified so far came to (see <see cref="RateControl"/>), and the node hears it only once it is journalled (a
    /// restarted seed asks the chunk for the same again). Other jobs' assignments are answered at once, unchanged.
    /// </summary>
    private void AnswerClaim(ChunkClaimed claimed, IActorRef sender)
    {
        if (RateControlNow(claimed.Assignment.ChunkIndex) is not { } control) { sender.Tell(claimed); return; }
        var index = claimed.Assignment.ChunkIndex;
        var (next, rate) = control.Assign(index);
        var answer = claimed with { Assignment = claimed.Assignment with { VideoOptions = VideoBitrate.WithTarget(claimed.Assignment.VideoOptions, rate) } };
        _rate = next;
        if (_state!.ChunkRates.TryGetValue(index, out var journalled) && journalled.BitsPerSecond == rate) { sender.Tell(answer); return; }
        if (!ReferenceEquals(next, control))
            Log.LogInformation("job {Job} chunk {Chunk}: asked for {Rate} kb/s (complexity share {Share:0} kb/s, file target {Target} kb/s, chunks so far came to {Ratio:0.000} of what they were asked)",
                _id, index, rate / 1000, control.Allocation[index] / 1000, control.Target / 1000, control.LearnedRatio);
        // The claim ran as a task; the journal is written from a message of its own, where Akka flushes it at once.
        Self.Tell(new JournalRateThenAnswer(new JobChunkRateAsked(index, rate, SecondPass: false, _clock.GetUtcNow()), answer), sender);
    }

    private void JournalRate(JournalRateThenAnswer j)
    {
        var sender = Sender;
        Persist(j.Asked, e =>
        {
            _state = _state!.Apply(e);
            SnapshotIfDue();
            sender.Tell(j.Answer);
        });
    }

    /// <summary>
    /// The job's rate control, made when a chunk is first asked for a rate once the plan is known: chunks out before it
    /// (the head chunk, handed out while the rest was still being planned) went with the user's own rate; after a seed
    /// restart it is what the journal says was asked and weighed (<see cref="RateControl.Recovered"/>).
    /// <paramref name="asking"/> is the chunk being handed out now, not counted as out unless the journal has its rate.
    /// </summary>
    private RateControl? RateControlNow(int? asking = null)
    {
        if (_rate is not null || _plan is null || _state is null) return _rate;
        if (RateControl.For(_plan.Options.Video, _plan.Timeline, _plan.Plan) is not { } fresh) return null;
        var rates = _state.ChunkRates;
        var outWithoutRate = _chunks.Values
            .Where(c => c.State.Status != ChunkStates.Pending && c.State.VerifiedVideoBytes is null && c.State.Index != asking && !rates.ContainsKey(c.State.Index))
            .Select(c => c.State.Index);
        var verified = _chunks.Values.Where(c => c.State.VerifiedVideoBytes is not null).Select(c => (c.State.Index, c.State.VerifiedVideoBytes!.Value * 8));
        _rate = fresh.Recovered(_state.ChunkWeights, rates.Values, outWithoutRate, verified);
        if (!rates.IsEmpty || !_state.ChunkWeights.IsEmpty)
            Log.LogInformation("job {Job}: the file's bits shared as journalled: {Rates} asked ({List}), {Weighed} weighed by their first pass",
                _id, Plural.Of(rates.Count, "chunk"), string.Join(", ", rates.Values.Select(r => $"{r.ChunkIndex}: {r.BitsPerSecond / 1000} kb/s{(r.SecondPass ? " second pass" : "")}")),
                Plural.Of(_state.ChunkWeights.Select(w => w.ChunkIndex).Distinct().Count(), "chunk"));
        return _rate;
    }

    /// <summary>
    /// A two-pass chunk's second pass is asked for its share of the file's bits by first-pass weight, as one machine's
    /// second pass shares them among frames; a job that has no rate control (no bitrate target) keeps what it handed
    /// out. The weight and the rate are journalled before the node hears the answer.
    /// </summary>
    private void AnswerSecondPass(MeasureFirstPass m)
    {
        if (RateControlNow() is not { } control || _state is not { IsFinal: false } || m.ChunkIndex < 0 || m.ChunkIndex >= control.Allocation.Length)
        {
            Sender.Tell(new FetchSecondPassRateResponse(null));
            return;
        }
        var now = _clock.GetUtcNow();
        var weighed = new JobChunkWeighed(m.ChunkIndex, m.Weight, m.Model, now);
        FetchSecondPassRateResponse answer;
        var events = new List<JobEvent> { weighed };
        if (!m.RateWanted)
        {
            _rate = control.Weighed(m.ChunkIndex, m.Weight, ModelOf(m));
            Log.LogInformation("job {Job} chunk {Chunk}: first pass weighed ahead on {Node} ({Measured} of {Chunks} chunks weighed)",
                _id, m.ChunkIndex, m.NodeName, _rate.FirstPass.Count, _rate.Allocation.Length);
            answer = new FetchSecondPassRateResponse(null, _rate.FirstPassCrf);
        }
        else if (control.Weighed(m.ChunkIndex, m.Weight, ModelOf(m)) is var withWeight && m.MayRunFirstPassAgain
            && withWeight.FirstPassAgainAt(m.ChunkIndex) is { } again)
        {
            // Its statistics would have its bits extrapolated over many QP, where they stop following x264's model: a
            // first pass near its second pass's quantisers costs a third of the chunk's encode and says what it needs.
            _rate = withWeight;
            Log.LogInformation("job {Job} chunk {Chunk}: its second pass would run {Shift:+0.0;-0.0} QP from its first pass on {Node}; the first pass runs again at CRF {Crf}",
                _id, m.ChunkIndex, withWeight.QpShiftOf(m.ChunkIndex), m.NodeName, again);
            answer = new FetchSecondPassRateResponse(null, again, RunFirstPassAgain: true);
        }
        else
        {
            var (next, rate) = withWeight.SecondPass(m.ChunkIndex, m.Weight, ModelOf(m));
            Log.LogInformation("job {Job} chunk {Chunk}: second pass asked for {Rate} kb/s from its first pass on {Node} (weight share {Share:0} kb/s, {Measured} of {Chunks} chunks weighed, file target {Target} kb/s)",
                _id, m.ChunkIndex, rate / 1000, m.NodeName, next.Allocation[m.ChunkIndex] / 1000, next.FirstPass.Count, next.Allocation.Length, next.Target / 1000);
            _rate = next;
            events.Add(new JobChunkRateAsked(m.ChunkIndex, rate, SecondPass: true, now));
            answer = new FetchSecondPassRateResponse(rate, next.FirstPassCrf);
        }
        var sender = Sender;
        var last = events[^1];
        PersistAll(events, e =>
        {
            _state = _state!.Apply(e);
            SnapshotIfDue();
            if (ReferenceEquals(e, last)) sender.Tell(answer);
        });
    }

    private static FirstPassModel? ModelOf(MeasureFirstPass m) => RateControl.ModelOf(m.Model);

    /// <summary>
    /// Only once nothing is pending, and only for a node holding none of this job's chunks: the chunks expected to
    /// finish last first — no progress reported at all, then the most time left at the reported speed.
    /// </summary>
    private IEnumerable<int> SpeculationCandidates(string node, DateTimeOffset now, TimeSpan minElapsed, IReadOnlyDictionary<string, double>? powers)
    {
        if (_chunks.Values.Any(c => c.State.Status == ChunkStates.Pending || c.State.IsHeldBy(node))) return [];
        return _chunks
            .Where(c => c.Value.State.CanSpeculateOn(node, now, minElapsed))
            .Where(c => WorkStealing.SecondRunWouldFinishFirst(c.Value, ExpectedFrames(c.Key), node, powers ?? new Dictionary<string, double>()))
            .OrderByDescending(c => c.Value.SecondsLeft(ExpectedFrames(c.Key)))
            .ThenBy(c => c.Value.State.LiveRuns.Min(r => r.At))
            .Select(c => c.Key);
    }

    private void OnChunkChanged(ChunkState chunk)
    {
        var before = _chunks.TryGetValue(chunk.Index, out var old) ? old : null;
        // Progress belongs to one attempt: a chunk handed back or given to another node starts again from zero.
        var sameAttempt = before is not null && before.State.CurrentAttempt == chunk.CurrentAttempt && chunk.Status != ChunkStates.Pending;
        _chunks[chunk.Index] = sameAttempt ? before! with { State = chunk } : new ChunkView(chunk, 0, 0);
        if (chunk.VerifiedVideoBytes is { } videoBytes) _rate = _rate?.Verified(chunk.Index, videoBytes * 8);
        if (chunk.Status == ChunkStates.Done && before?.State.Status is ChunkStates.Assigned or ChunkStates.Encoding or ChunkStates.Verifying)
        {
            _throughput = _throughput.Record(_clock.GetUtcNow(), chunk.Frames - (sameAttempt ? before!.EncodedFrames : 0));
            _fpsHistory = _fpsHistory.Record(_clock.GetUtcNow(), chunk.Frames - (sameAttempt ? before!.EncodedFrames : 0));
        }
        // A chunk read back after a restart brings its whole history: that is no news for the feed.
        _reported.TryGetValue(chunk.Index, out var reported);
        _reported[chunk.Index] = chunk;
        if (!_chunksRecovering.Contains(chunk.Index))
            foreach (var activity in JobActivity.Between(_id, reported, chunk, _clock.GetUtcNow())) _jobs.Tell(activity);
        var chunkId = $"{_id}/{chunk.Index}";
        var holders = chunk.IsFinal ? [] : chunk.LiveRuns.Select(r => r.Node).ToHashSet(StringComparer.Ordinal);
        var previous = before?.State.Runs.Select(r => r.Node) ?? [];
        foreach (var node in previous.Concat(chunk.Runs.Select(r => r.Node)).Distinct(StringComparer.Ordinal))
            TellCluster(new NodeWorkChanged(node, chunkId, holders.Contains(node)));
        if (chunk.IsFinal && before?.State.IsFinal != true)
        {
            // The first verified result won (or the chunk gave up): every other attempt still out there is stopped.
            foreach (var loser in chunk.Losers)
                _jobs.Tell(new CancelOnNode(loser.Node, new CancelChunk(_id, chunk.Index, loser.Attempt,
                    chunk.Status == ChunkStates.Done ? $"chunk {chunk.Index} was finished by {chunk.Node}" : $"chunk {chunk.Index} failed")));
        }
        if (_state is null || _state.IsFinal) return;
        TellLive();

        if (chunk.Status == ChunkStates.Pending && before?.State.Status != ChunkStates.Pending) _jobs.Tell(new WorkAvailable());
        if (chunk.Status == ChunkStates.Failed)
        {
            Fail(chunk.LastError ?? $"chunk {chunk.Index} failed");
            return;
        }
        AdvanceIfAllVerified();
        // Only a chunk verified or handed out can open the last wave: progress reports need no look.
        if ((chunk.Status == ChunkStates.Done && before?.State.Status != ChunkStates.Done) || (before?.State.Status == ChunkStates.Pending && chunk.Status != ChunkStates.Pending))
            HashKeyframesAhead();
    }

    /// <summary>
    /// When a job's last wave begins (nothing left to hand out: every chunk not verified is in a node's hands), hashes
    /// the keyframes of the verified chunks, in runs of consecutive chunks, so that the output's content check finds
    /// nearly all of the chunks' half done when the last chunk arrives (<see cref="KeyframesAhead"/>).
    /// </summary>
    private void HashKeyframesAhead()
    {
        if (_keyframesAhead.IsStarted || _state is not { Stage: JobStates.Encoding, IsFinal: false } || _plan is not { } plan
            || _chunks.Count != plan.Plan.Chunks.Count) return;
        if (_chunks.Values.Any(c => c.State.Status == ChunkStates.Pending) || _chunks.Values.All(c => c.State.Status == ChunkStates.Done)) return;
        var runs = _keyframesAhead.Next(_chunks.Values.Where(c => c.State.Status == ChunkStates.Done).Select(c => c.State.Index));
        if (runs.Count == 0) return;
        _keyframesAhead = _keyframesAhead.Started();
        var hashing = OutputContentCheck.HashRunsAsync(ResultFiles(plan), runs, OutputContentCheck.DecodeFor(plan.Options.VideoEncoder), AssemblyDirectory, _lifetime.Token);
        _keyframesHashing = hashing;
        hashing.PipeTo(Self, success: r => new KeyframesHashed(r), failure: e => new KeyframesHashingFailed(e.Message));
    }

    /// <summary>Once every chunk is verified the job assembles (after journalling that it does, when it was encoding).</summary>
    private void AdvanceIfAllVerified()
    {
        if (_state is null || _state.IsFinal) return;
        if (_state.Stage == JobStates.Encoding && _chunks.Count == _plan?.Plan.Chunks.Count && _chunks.Values.All(c => c.State.Status == ChunkStates.Done))
        {
            Persist(new JobAssemblyStarted(_clock.GetUtcNow()), e =>
            {
                ApplyAndAnnounce(e);
                AssembleIfReady();
            });
        }
        else AssembleIfReady();
    }

    /// <summary>Tells the live publisher how many chunks from the first on are verified, whenever that grows (starting it on the first call).</summary>
    private void TellLive()
    {
        if (_state is not { Spec.Live: true, IsFinal: false } || (_plan ?? _head) is not { } plan) return;
        var prefix = 0;
        while (_chunks.TryGetValue(prefix, out var c) && c.State.Status == ChunkStates.Done) prefix++;
        if (prefix == _livePrefixTold && _live is not null) return;
        var spec = _state.Spec;
        _live ??= Context.ActorOf(LiveActor.Props(LiveDirectory, ChunkDirectory, LiveSegmentSeconds,
            new Media.Live.LiveSource(spec.InputPath, plan.Source, plan.Options.Audio, spec.OutputPath, plan.Options.VideoEncoder), _logs), "live");
        _livePrefixTold = prefix;
        _live.Tell(new LivePrefixVerified(prefix, plan.Plan));
    }

    private void AssembleIfReady()
    {
        if (_state!.Stage == JobStates.Assembling && !_assemblyRunning && _chunks.Count == _plan?.Plan.Chunks.Count && _chunks.Values.All(c => c.State.Status == ChunkStates.Done))
        {
            if (AssemblySpaceProblem() is { } problem) Fail(problem);
            else StartAssembly();
        }
    }

    /// <summary>
    /// The output needs about as much room as the chunk results (plus the copied audio, which the margin covers);
    /// saying so before starting beats a half-written output and ffmpeg's view of it.
    /// </summary>
    private string? AssemblySpaceProblem()
    {
        var chunkBytes = ResultFiles(_plan!).Sum(file => new FileInfo(file) is { Exists: true } f ? f.Length : 0);
        var free = DiskSpace.FreeBytes(_directory);
        var need = chunkBytes + _minFreeSpace;
        return free is { } bytes && bytes < need
            ? $"not enough disk space to assemble the output: about {DiskSpace.Format(chunkBytes)} needed plus min-free-space {DiskSpace.Format(_minFreeSpace)}, {DiskSpace.Format(bytes)} free"
            : null;
    }

    private void Retry()
    {
        if (_compactingAt is not null)
        {
            // Its compacted snapshot forgets which chunks had journals, which a retry would read back.
            Sender.Tell(new Status.Failure(new InvalidOperationException($"job {_id} is being compacted (retention); retry it in a moment")));
            return;
        }
        if (_plan is null && _state is { IsFinal: true, ChunkCount: > 0 } && File.Exists(Path.Combine(_directory, JobPlanFiles.FileName)))
        {
            // Settled jobs are not re-spawned after a seed restart; their plan and verified chunks are still on disk.
            _plan = JobPlanFiles.Load(_directory);
            SpawnChunks(_plan);
        }
        var stage = _plan is null ? JobStates.Queued : JobStates.Encoding;
        var retried = new JobRetried(stage, _clock.GetUtcNow());
        if (_state?.Accepts(retried) != true)
        {
            Sender.Tell(new Status.Failure(new InvalidOperationException($"job {_id} is {_state?.Stage ?? "unknown"}; only a failed or cancelled job can be retried")));
            return;
        }
        // The job runs again: chunks still being read back are live chunks from now on, and no summary is due.
        _backfilling = false;
        _rate = null;
        _summaryStale = false;
        var sender = Sender;
        Persist(retried, e =>
        {
            ApplyAndAnnounce(e);
            Log.LogInformation("job {Job} retried from {Stage}; {Done} already verified kept", _id, stage, Plural.Of(_chunks.Values.Count(c => c.State.Status == ChunkStates.Done), "chunk"));
            _jobs.Tell(new JobActivity(e.At, JobEventKinds.JobRetried, _id, null, null, $"job {_id} retried from {stage}"));
            if (_plan is null)
            {
                foreach (var actor in _chunkActors.Values) actor.Tell(new RetryChunk(_clock.GetUtcNow())); // a head chunk handed out before
                StartPlanning();
            }
            else
            {
                (_throughput, _eta) = (JobThroughput.Empty().Record(_clock.GetUtcNow(), 0), null);
                _fpsHistory = _fpsHistory.Record(_clock.GetUtcNow(), 0);
                foreach (var actor in _chunkActors.Values) actor.Tell(new RetryChunk(_clock.GetUtcNow()));
                CopyOtherStreams(_plan);
                // Every chunk may already be verified (the job failed while assembling): nothing will change, so look now.
                if (_chunks.Count > 0 && _chunks.Values.All(c => c.State.Status == ChunkStates.Done)) OnChunkChanged(_chunks.Values.First().State);
                _jobs.Tell(new WorkAvailable());
            }
            // After whatever that journalled in turn, so the answer shows the stage it led to.
            DeferAsync(retried, _ => sender.Tell(ToResponse()));
        });
    }

    private const string OtherStreamsFileName = "other-streams.mkv";

    /// <summary>
    /// Copies the source's audio, subtitles and attachments aside while the chunks encode, when that spares the join a
    /// second read of the whole source (<see cref="OtherStreams"/>). Best effort: without the copy the join reads the source.
    /// </summary>
    private void CopyOtherStreams(JobPlanFiles plan)
    {
        if (_copyingOtherStreams is { IsCancellationRequested: false } || !OtherStreams.WorthCopying(plan.Source)) return;
        var work = AssemblyDirectory;
        var path = Path.Combine(work, OtherStreamsFileName);
        if (File.Exists(path)) return;
        var copying = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        _copyingOtherStreams = copying;
        var source = _state!.Spec.InputPath;
        var log = Log;
        var id = _id;
        _ = Task.Run(async () =>
        {
            try
            {
                Directory.CreateDirectory(work);
                await OtherStreams.CopyAsync(source, plan.Source, path, copying.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or MediaException or IOException)
            {
                if (!copying.IsCancellationRequested) log.LogWarning("job {JobId}: could not copy the source's other streams aside ({Error}); the join will read them from the source", id, e.Message);
            }
        }, CancellationToken.None);
    }

    private void StartAssembly()
    {
        _assemblyRunning = true;
        var plan = _plan!;
        var spec = _state!.Spec;
        var files = ResultFiles(plan);
        var work = AssemblyDirectory;
        var staged = Path.Combine(work, "output" + Path.GetExtension(spec.OutputPath));
        Log.LogInformation("job {JobId}: all {Chunks} chunks verified, assembling", _id, files.Length);
        // A copy not finished by now is given up: the join reads the source itself rather than wait for it.
        _copyingOtherStreams?.Cancel();
        var others = Path.Combine(work, OtherStreamsFileName);
        var otherStreams = File.Exists(others) ? others : null;
        if (otherStreams is not null) Log.LogInformation("job {JobId}: joining the source's other streams from their copy made while encoding", _id);
        var ct = _lifetime.Token;
        var how = OutputContentCheck.DecodeFor(plan.Options.VideoEncoder);
        var ahead = _keyframesAhead.Hashed;
        var hashing = _keyframesHashing;
        Task.Run(
            async () =>
            {
                // What is left after the last chunk is the job's fixed cost (issue 18): the chunks' half of the content
                // check was mostly done while the last chunks encoded (what is still under way is waited for during the
                // join; the rest goes with the output's keyframes), and the output's two checks run side by side.
                var chunkKeyframes = ChunkKeyframesAsync(ahead, hashing, files);
                var covers = await CoverPictures.ExtractAsync(spec.InputPath, CoverPictures.KeptIn(plan.Source, staged), work, ct).ConfigureAwait(false);
                await ChunkAssembler.AssembleAsync(new AssemblyRequest(spec.InputPath, plan.Source, plan.Plan, files, staged, plan.Options.Audio, plan.Options.Subtitle, work,
                    otherStreams, covers), ct).ConfigureAwait(false);
                var (hashed, missing) = await chunkKeyframes.ConfigureAwait(false);
                await Task.WhenAll(
                    OutputVerifier.VerifyOutputAsync(staged, plan.Timeline, plan.Plan, plan.Source, ct, subtitlesAsAsked: plan.Options.Subtitle.Count > 0),
                    OutputContentCheck.VerifyAsync(staged, files, hashed, missing, how, work, ct)).ConfigureAwait(false);
                var dir = Path.GetDirectoryName(Path.GetFullPath(spec.OutputPath));
                if (dir is not null) Directory.CreateDirectory(dir);
                File.Move(staged, spec.OutputPath, overwrite: true);
                return spec.OutputPath;
            }, CancellationToken.None)
            .PipeTo(Self, success: path => new AssemblyFinished(path), failure: e => new AssemblyFailed($"assembly failed: {e.Message}"));
    }

    /// <summary>Every chunk's verified result, in order: what the join and its checks read.</summary>
    private string[] ResultFiles(JobPlanFiles plan) => plan.Plan.Chunks.Select(c => ChunkActor.ResultFile(ChunkDirectory, c.Index)).ToArray();

    /// <summary>
    /// The chunks' keyframes hashed ahead for the output's content check (and the hashing still under way, waited for)
    /// whose files are unchanged, and the runs of chunks they leave for the check to hash beside the output's.
    /// </summary>
    private static async Task<(IReadOnlyList<KeyframeRun> Hashed, IReadOnlyList<(int First, int Last)> Missing)> ChunkKeyframesAsync(
        IReadOnlyList<KeyframeRun> ahead, Task<IReadOnlyList<KeyframeRun>>? hashing, IReadOnlyList<string> files)
    {
        var candidates = ahead.ToList();
        if (hashing is not null)
        {
            try
            {
                candidates.AddRange(await hashing.ConfigureAwait(false));
            }
            catch (Exception e) when (e is MediaException or IOException or OperationCanceledException or FormatException or UnauthorizedAccessException)
            {
                // What it would have covered is left missing, and hashed with the output.
            }
        }
        return KeyframesAhead.Cover(files.Count, candidates, i => FileStamp.Of(files[i]));
    }

    private void OnReport(ChunkReport r)
    {
        if (!_chunkActors.TryGetValue(r.ChunkIndex, out var chunk) || !_chunks.TryGetValue(r.ChunkIndex, out var view)) return;
        switch (r.Report)
        {
            case ReportChunkProgress p:
                if (view.State.LiveRuns.Any(run => run.Attempt == p.Attempt && run.Node == r.NodeName && !run.Encoding)) chunk.Tell(new StartEncoding(r.NodeName, p.Attempt));
                // A node reports frame 0 when its ffmpeg starts: only frames done move the throughput.
                if (view.State.CurrentAttempt == p.Attempt && view.IsRunning && p.Frames > view.EncodedFrames)
                {
                    _throughput = _throughput.Record(_clock.GetUtcNow(), p.Frames - view.EncodedFrames);
                    _fpsHistory = _fpsHistory.Record(_clock.GetUtcNow(), p.Frames - view.EncodedFrames);
                    _chunks[r.ChunkIndex] = view with { EncodedFrames = Math.Max(view.EncodedFrames, p.Frames), FramesPerSecond = p.FramesPerSecond };
                }
                break;
            case ReportChunkFailed { NodeFault: true } f:
                // Not the chunk's failure: it goes back to the queue untouched, its history saying why.
                chunk.Tell(new ReleaseFromNode(r.NodeName, f.Error));
                break;
            case ReportChunkFailed f:
                chunk.Tell(new FailAttempt(r.NodeName, f.Attempt, f.Error, f.SourceDecode));
                break;
        }
    }

    /// <summary>Journals the keyframes that are new among <paramref name="r"/> and tells every chunk the grown set.</summary>
    private void OnEntryPointsRejected(EntryPointsRejected r)
    {
        if (_state is null || (_plan ?? _head) is not { } plan) return;
        var state = _state;
        var rejected = new List<JobEntryPointRejected>();
        foreach (var entry in r.Entries)
        {
            var seconds = plan.Plan.TimeBase.ToSeconds(entry.Pts) - plan.Plan.FormatStartSeconds;
            var e = new JobEntryPointRejected(entry.Pts, Math.Round(seconds, 6), entry.Reason, _clock.GetUtcNow());
            if (!state.Accepts(e)) continue;
            state = state.Apply(e);
            rejected.Add(e);
        }
        if (rejected.Count == 0) return;
        PersistAll(rejected, e =>
        {
            _state = _state!.Apply(e);
            Log.LogWarning("job {JobId}: keyframe at {Seconds:0.###}s is not a clean entry point ({Reason}); chunks decode from an earlier one", _id, e.Seconds, e.Reason);
        });
        DeferAsync(rejected[^1], _ =>
        {
            var known = new EntryPointsKnown(_state!.BadEntryPts);
            foreach (var actor in _chunkActors.Values) actor.Tell(known);
        });
    }

    private void Fail(string reason)
    {
        var failed = new JobFailed(reason, _clock.GetUtcNow());
        if (_state?.Accepts(failed) != true) return;
        Settle(failed, "job failed", e =>
        {
            ApplyAndAnnounce(e);
            Outcomes.LogWarning("job {JobId} failed: {Reason}", _id, reason);
            _jobs.Tell(new JobActivity(e.At, JobEventKinds.JobFailed, _id, null, null, $"job {_id} failed: {reason}"));
            CancelRunningAttempts(reason);
        });
    }

    /// <summary>
    /// Journals <paramref name="final"/> together with where every chunk stands, in one write: after a restart the
    /// settled job spawns no chunk actors, and its summary is all `job show` has. <paramref name="then"/> runs for
    /// <paramref name="final"/> only.
    /// </summary>
    private void Settle<TEvent>(TEvent final, string reason, Action<TEvent> then) where TEvent : JobEvent
    {
        var at = _clock.GetUtcNow();
        var summary = new JobChunksSettled(_chunks.Values.Select(c => SettledChunk.Of(c.State, at, reason)).ToList(), at);
        _summaryStale = _chunksRecovering.Count > 0;
        PersistAll(new JobEvent[] { summary, final }, e =>
        {
            if (e is TEvent settled) then(settled);
            else _state = _state!.Apply(e);
        });
    }

    /// <summary>Journals where every chunk stands for a job already settled (see <see cref="_backfilling"/> and <see cref="_summaryStale"/>).</summary>
    private void JournalSettledChunks()
    {
        _backfilling = false;
        _summaryStale = false;
        var state = _state!;
        var at = state.FinishedAt ?? _clock.GetUtcNow();
        var summary = new JobChunksSettled(_chunks.Values.Select(c => SettledChunk.Of(c.State, at, $"job {state.Stage}")).ToList(), at);
        Persist(summary, e =>
        {
            _state = _state!.Apply(e);
            Log.LogInformation("job {JobId}: chunk summary of the {Stage} job journalled ({Chunks} chunks)", _id, state.Stage, summary.Chunks.Count);
            // Spawning the chunks made their folder again; a settled job keeps only what it kept before.
            RemoveWorkFiles();
        });
    }

    private void CancelRunningAttempts(string reason)
    {
        foreach (var view in _chunks.Values.Where(v => v.State.Status != ChunkStates.Done))
            foreach (var run in view.State.Runs)
                _jobs.Tell(new CancelOnNode(run.Node, new CancelChunk(_id, view.State.Index, run.Attempt, reason)));
    }

    private void ApplyAndAnnounce(JobEvent e)
    {
        _state = _state!.Apply(e);
        Announce();
        if (!_state.IsFinal) return;
        RemoveWorkFiles();
        // A retry publishes again, perhaps from the first chunk: what was caught up before says nothing then.
        (_livePrefixTold, _liveCaughtUp) = (-1, 0);
        _live?.Tell(new SettleLive(_state.Stage == JobStates.Completed ? _state.ChunkCount : null, _state.Spec.KeepLive, (_plan ?? _head)?.Plan));
    }

    /// <summary>
    /// A settled job needs no uploads in flight, unverified attempts or assembly scraps, and a completed one no chunk
    /// results: they go, so a full disk or a crash leaves nothing behind. The input, plan and output stay.
    /// </summary>
    private void RemoveWorkFiles()
    {
        // A failed or cancelled job may be retried: its verified chunk results stay, only the scraps go.
        var completed = _state?.Stage == JobStates.Completed;
        var reference = Path.Combine(_directory, ChunkChecks.ReferenceFileName);
        ChunkContentCheck.Forget(reference);
        if (completed && File.Exists(reference)) File.Delete(reference);
        // A live publisher still running removes its own files once it has finished with them.
        var live = _live is null && _state is { Spec.KeepLive: false } ? new[] { LiveDirectory } : [];
        foreach (var dir in new[] { ChunkDirectory, AssemblyDirectory }.Concat(live))
        {
            try
            {
                if (!Directory.Exists(dir)) continue;
                if (completed || dir != ChunkDirectory) Directory.Delete(dir, recursive: true);
                else
                    foreach (var scrap in Directory.EnumerateFiles(dir).Where(f => f.EndsWith(".part", StringComparison.Ordinal) || f.Contains(".attempt", StringComparison.Ordinal)))
                        File.Delete(scrap);
            }
            catch (IOException e)
            {
                Log.LogWarning("job {Job}: cannot remove {Dir}: {Error}", _id, dir, e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                Log.LogWarning("job {Job}: cannot remove {Dir}: {Error}", _id, dir, e.Message);
            }
        }
    }

    /// <summary>The journalled stage, except that a job whose first chunk is out while it is still being planned is encoding.</summary>
    private string Stage => _state is null ? JobStates.Queued
        : _head is not null && _state.Stage is JobStates.Queued or JobStates.Planning ? JobStates.Encoding
        : _state.Stage;

    private void Announce() =>
        _jobs.Tell(new JobStageChanged(_id, Stage, _state!.Spec.Priority, _state.SubmittedAt, _state.VideoEncoder ?? _head?.Options.VideoEncoder));

    private void TellCluster(NodeWorkChanged message) => Context.ActorSelection("/user/cluster").Tell(message, Self);

    private JobFileResponse FileFor(JobFileKind kind) => kind switch
    {
        JobFileKind.Source when _state is { IsFinal: false } => new JobFileResponse(_state.Spec.InputPath, null),
        JobFileKind.Source => new JobFileResponse(null, $"job {_id} is {_state?.Stage}"),
        JobFileKind.Output when _state?.Stage == JobStates.Completed && File.Exists(_state.Spec.OutputPath) => new JobFileResponse(_state.Spec.OutputPath, null),
        _ => new JobFileResponse(null, $"job {_id} is {_state?.Stage ?? "unknown"}, not completed"),
    };

    private JobResponse ToResponse()
    {
        var s = _state;
        if (s is null) return new JobResponse(_id, JobStates.Queued, null, "", "", 0, 0, [], _clock.GetUtcNow(), null, 0, 0, []);
        var stage = s.Stage == JobStates.Queued && _plan is null && _head is null && !s.IsFinal ? JobStates.Planning : Stage;
        // A settled job shows its chunks as they stood when it settled: after a restart it has no chunk actors at all.
        var chunks = s is { IsFinal: true, SettledChunks: { } settled }
            ? settled.Select(ChunkView.ToResponse).ToArray()
            : _chunks.Values.Select(c => c.ToResponse(ExpectedFrames(c.State.Index))).ToArray();
        if (!s.ChunkRates.IsEmpty)
            chunks = [.. chunks.Select(c => s.ChunkRates.TryGetValue(c.Index, out var asked) ? c with { AskedBitsPerSecond = asked.BitsPerSecond } : c)];
        var encoded = _chunks.Values.Sum(c => c.State.Status == ChunkStates.Done ? ExpectedFrames(c.State.Index) : Math.Min(c.EncodedFrames, ExpectedFrames(c.State.Index)));
        var now = _clock.GetUtcNow();
        var fps = stage == JobStates.Encoding ? _throughput.FramesPerSecond(now) : null;
        // Every answer moves the smoothed ETA on: it is a function of the clock and the frames, so how often anyone
        // asks changes it only as much as rounding does.
        if (stage == JobStates.Encoding && s.TotalFrames > 0 && (_eta is not null || _throughput.HasSettled(now)))
            _eta = EtaEstimate.Next(_eta, now, s.TotalFrames - encoded, fps);
        var seconds = SourceSeconds();
        var output = stage == JobStates.Completed ? new FileInfo(s.Spec.OutputPath) : null;
        long? outputBytes = output is { Exists: true } ? output.Length : null;
        double? eta = stage switch
        {
            JobStates.Encoding => _eta?.Seconds,
            JobStates.Assembling or JobStates.Completed => 0,
            _ => null,
        };
        var average = _throughput.AverageFramesPerSecond(now, running: stage == JobStates.Encoding);
        var (bytes, expected) = OutputSize(s, chunks, outputBytes);
        return new JobResponse(_id, stage, s.Error, s.Spec.InputName, s.Spec.OutputShown(), s.Spec.Priority, s.Spec.ChunkSeconds, s.Spec.Options,
            s.SubmittedAt, s.FinishedAt, s.TotalFrames, chunks.Sum(c => c.Frames), chunks,
            fps is { } f ? Math.Round(f, 1) : null, eta is { } e ? Math.Round(e, 1) : null,
            s.RejectedEntryPoints.Select(r => new EntryPointResponse(r.Seconds, r.Reason)).ToArray(),
            (_plan ?? _head)?.Warnings() ?? [],
            average is { } a ? Math.Round(a, 1) : null,
            Math.Round(Math.Max(0, ((s.FinishedAt ?? now) - s.SubmittedAt).TotalSeconds), 1),
            bytes, expected)
        {
            FpsHistory = _fpsHistory.Points(),
            SourceSeconds = seconds is { } d ? Math.Round(d, 3) : null,
            OutputFileBytes = outputBytes,
            OutputBitrate = outputBytes is { } b && seconds is > 0 and var sec ? Math.Round(b * 8 / sec) : null,
            RecoveringChunks = _chunks.Count > 0 ? _chunksRecovering.Count : null,
            LivePlaylist = s.Spec.Live && (!s.IsFinal || Directory.Exists(LiveDirectory)) ? $"/jobs/{_id}/live/{Media.Live.LivePlaylist.FileName}" : null,
            TimeBreakdown = JobTimeBreakdown.Of(s.SubmittedAt, s.AssemblyStartedAt, s.FinishedAt,
                s is { IsFinal: true, SettledChunks: { } settledChunks } ? settledChunks.SelectMany(c => c.History) : _chunks.Values.SelectMany(c => c.State.History), now),
        };
    }

    /// <summary>
    /// The video bytes of the verified chunks and that extrapolated to every frame by their frames; once completed,
    /// the output file itself (audio and container included), which is then also what was expected.
    /// </summary>
    private static (long? Bytes, long? Expected) OutputSize(JobState s, IReadOnlyList<ChunkResponse> chunks, long? outputFileBytes)
    {
        if (outputFileBytes is { } written) return (written, written);
        var verified = chunks
            .Where(c => c.State == ChunkStates.Done)
            .Select(c => (c.Frames, Bytes: c.History?.LastOrDefault(h => h.Outcome == AttemptOutcomes.Done)?.Bytes))
            .Where(c => c.Bytes is not null)
            .ToArray();
        if (verified.Length == 0) return (null, null);
        var bytes = verified.Sum(c => c.Bytes!.Value);
        var frames = verified.Sum(c => (long)c.Frames);
        return (bytes, frames > 0 && s.TotalFrames > 0 ? (long)Math.Round((double)bytes * s.TotalFrames / frames) : null);
    }

    /// <summary>The source's duration: from the plan in memory, or for a job settled before this seed started, from its plan file.</summary>
    private double? SourceSeconds()
    {
        if ((_plan ?? _head) is { } plan) return plan.Source.DurationSeconds;
        if (_sourceSecondsLooked || _state is not { IsFinal: true }) return _sourceSeconds;
        _sourceSecondsLooked = true;
        try
        {
            if (File.Exists(Path.Combine(_directory, JobPlanFiles.FileName))) _sourceSeconds = JobPlanFiles.Load(_directory).Source.DurationSeconds;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
        {
            Log.LogWarning("job {Job}: cannot read its plan for the source duration: {Error}", _id, e.Message);
        }
        return _sourceSeconds;
    }

    private int ExpectedFrames(int index) => (_plan ?? _head) is { } p && index < p.Plan.Chunks.Count ? p.Plan.Chunks[index].FrameCount : 0;

    private sealed record Resume;

    /// <summary>Internal: <paramref name="Claim"/> needs chunk <paramref name="Index"/>, which has no actor yet.</summary>
    private sealed record OpenChunk(int Index, ClaimChunk Claim);

    /// <summary>A chunk's rate, asked in a claim, to journal before the claiming node hears <paramref name="Answer"/>.</summary>
    private sealed record JournalRateThenAnswer(JobChunkRateAsked Asked, ChunkClaimed Answer);
}
