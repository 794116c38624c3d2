using System.Globalization;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Persistence;
using Flock.Media.Planning;
using Flock.Media.Storage;
using Flock.Messages;
using Flock.Messages.Chunks;
using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Flock.Seed.Cluster;
using Flock.Seed.Hosting;
using Flock.Seed.Metrics;
using Flock.Seed.Options;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Jobs;

/// <summary>
/// The queue: owns every <see cref="JobActor"/>, recreates them from the journal on start, and hands chunks to nodes
/// that ask for work — highest priority first, then first in, first out.
/// </summary>
/// <remarks>
/// Its own journal (persistence id <c>jobs</c>) lists every job it accepted, so a restarted seed knows which job
/// actors to bring back; Akka holds messages back until that is replayed. Handlers run one message at a time including
/// their awaits (the actor's mailbox waits on each task), as they did before the move to Akka.
/// </remarks>
public sealed class JobsActor : UntypedPersistentActor, IWithTimers
{
    private readonly string _jobsDirectory;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _orphanGrace;
    private readonly ChunkSizing _sizing;
    private readonly SpeculationOptions _speculation;
    private readonly long _minFreeSpace;
    private readonly SeedMetrics _metrics;
    /// <summary>Jobs resumed from the journal whose stage has not been heard yet.</summary>
    private readonly HashSet<string> _stageUnheard = new(StringComparer.Ordinal);
    /// <summary>When each chunk attempt out on a node was assigned, for the encode-duration histogram.</summary>
    private readonly Dictionary<(string JobId, int ChunkIndex, int Attempt), DateTimeOffset> _assignedAt = [];
    private readonly HashSet<string> _waitMeasured = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobEntry> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Want> _wants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _uncapableSince = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _logs;
    private new ILogger Log { get; }
    private readonly List<string> _accepted = [];
    private long _nextId = 1;
    private JobEventLog _events = JobEventLog.Empty;
    private bool _dispatchQueued;

    private readonly Flock.Media.Verification.VerifyLevel _verify;
    private readonly RetentionOptions _retention;
    /// <summary>Settled jobs already asked to compact in this queue's life (a retried one is asked again once it settles).</summary>
    private readonly HashSet<string> _compactionAsked = new(StringComparer.Ordinal);
    /// <summary>Jobs waiting to be asked to compact, and the one asked last until it answers.</summary>
    private readonly Queue<string> _toCompact = new();
    private string? _compacting;
    /// <summary>A job that never answers (it failed over and over) holds the others back no longer than this.</summary>
    private static readonly TimeSpan CompactionPatience = TimeSpan.FromMinutes(10);

    public JobsActor(string jobsDirectory, TimeSpan orphanGrace, ChunkSizing sizing, SpeculationOptions speculation, long minFreeSpace, TimeProvider clock, SeedMetrics metrics,
        Flock.Media.Verification.VerifyLevel verify, RetentionOptions retention, ILoggerFactory logs)
    {
        _retention = retention;
        _verify = verify;
        _logs = logs;
        Log = ActorLogging.For(logs, typeof(JobsActor), Self);
        _metrics = metrics;
        _minFreeSpace = minFreeSpace;
        _jobsDirectory = jobsDirectory;
        _orphanGrace = orphanGrace;
        _sizing = sizing;
        _speculation = speculation;
        _clock = clock;
    }

    /// <param name="sizing">How jobs are cut; each job's own chunk length replaces <see cref="ChunkSizing.ChunkSeconds"/>.</param>
    public static Props Props(string jobsDirectory, TimeSpan orphanGrace, ChunkSizing sizing, SpeculationOptions speculation, long minFreeSpace, TimeProvider clock, SeedMetrics metrics,
        Flock.Media.Verification.VerifyLevel verify, RetentionOptions retention, ILoggerFactory logs) =>
        Akka.Actor.Props.Create(() => new JobsActor(jobsDirectory, orphanGrace, sizing, speculation, minFreeSpace, clock, metrics, verify, retention, logs));

    public override string PersistenceId => "jobs";

    /// <summary>The queue journals one small event per job: a snapshot every this many keeps its journal short.</summary>
    public const int SnapshotEvery = 100;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Same as the old runtime's default: a job failing over and over is stopped rather than spinning forever.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    private static ICanTell Cluster(IActorContext context) => context.ActorSelection("/user/cluster");

    protected override void PreStart()
    {
        if (_speculation.Enabled)
        {
            // A node that went idle asks for work once; stragglers only become worth copying later, so look again.
            var every = _speculation.CheckInterval > TimeSpan.Zero ? _speculation.CheckInterval : TimeSpan.FromSeconds(1);
            Timers.StartPeriodicTimer(nameof(SpeculationTick), new SpeculationTick(), every, every);
        }
        base.PreStart();
    }

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: AcceptedJobs snapshot }:
                _accepted.Clear();
                _accepted.AddRange(snapshot.JobIds);
                break;
            case JobAccepted a:
                _accepted.Add(a.JobId);
                break;
            case RecoveryCompleted:
                Resume(_accepted);
                break;
        }
    }

    private void Resume(IReadOnlyList<string> ids)
    {
        foreach (var id in ids)
        {
            if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) continue;
            _nextId = Math.Max(_nextId, n + 1);
            Spawn(id, null);
            // Its wait was measured (or lost) before the restart; measuring now would count the downtime.
            _waitMeasured.Add(id);
            _stageUnheard.Add(id);
        }
        if (ids.Count > 0)
        {
            // Settled jobs are loaded too (their history is shown): which ones resume work is said as each reports its stage.
            Log.LogInformation("{Jobs} in the journal", Plural.Of(ids.Count, "job"));
            // Nodes that held chunks get this long to reconnect and claim them before they are handed to others.
            Timers.StartSingleTimer(nameof(ReleaseOrphansNow), new ReleaseOrphansNow(), _orphanGrace);
        }
    }

    protected override void OnCommand(object message)
    {
        // A submission is journalled before it is answered; everything else may await (asks to jobs and members).
        if (message is SubmitJob s) Submit(s);
        else ActorTaskScheduler.RunTask(() => ReceiveAsync(message));
    }

    private async Task ReceiveAsync(object message)
    {
        switch (message)
        {
            case JobGivenUp g:
                _givenUp.Add(g.JobId);
                break;
            case Terminated t when _jobs.Values.FirstOrDefault(j => j.Ref.Equals(t.ActorRef)) is { } stopped:
                if (_givenUp.Contains(stopped.Id)) break;
                // Not asked for chunks meanwhile: a claim on a stopped actor waits out its whole timeout, with every
                // other job's dispatch behind it.
                _stoppedJobs.Add(stopped.Id);
                RestartJobLater(stopped.Id);
                break;
            case RestartJob r when _jobs.TryGetValue(r.JobId, out var dead) && !_givenUp.Contains(r.JobId):
                Log.LogInformation("job {JobId}: starting its actor again from its journal", r.JobId);
                var restarted = StartJobActor(r.JobId, _specs.GetValueOrDefault(r.JobId));
                _jobs[r.JobId] = dead with { Ref = restarted };
                _stoppedJobs.Remove(r.JobId);
                // What its journal says nodes hold may be what failed to be written: a chunk it lists as handed to a node
                // that never heard of it would wait for that node forever. Every chunk held goes back to the queue; a node
                // that does have one still hands in its result, which the first to arrive wins.
                restarted.Tell(new ReleaseOrphanedChunks(new HashSet<string>(StringComparer.Ordinal),
                    "the job's actor started again after its journal failed: what nodes held is not known"));
                QueueDispatch();
                break;
            case JobStageChanged c:
                if (_jobs.TryGetValue(c.JobId, out var entry))
                {
                    // A resumed job's first word is the stage it already had: only what happens after it is counted.
                    var resumed = _stageUnheard.Remove(c.JobId);
                    if (resumed && !JobStates.IsFinal(c.Stage))
                    {
                        Log.LogInformation("resuming job {Job} ({Stage})", c.JobId, c.Stage);
                    }
                    if (!resumed && entry.Stage != c.Stage && JobStates.IsFinal(c.Stage))
                    {
                        _metrics.JobFinished(c.Stage);
                        foreach (var key in _assignedAt.Keys.Where(k => k.JobId == c.JobId).ToList()) _assignedAt.Remove(key);
                    }
                    _jobs[c.JobId] = entry with { Stage = c.Stage, Priority = c.Priority, SubmittedAt = c.SubmittedAt, Encoder = c.VideoEncoder };
                    // A job tells its stage once its spec is journalled: from then on a restart reads it back from there.
                    _specs.Remove(c.JobId);
                    if (c.Stage == JobStates.Encoding) QueueDispatch();
                    if (!JobStates.IsFinal(c.Stage)) _compactionAsked.Remove(c.JobId);
                    // After a start, once every job has said where it stands (not once per job: thousands may report).
                    else if (_stageUnheard.Count == 0) CompactOldJobs();
                }
                break;
            case CompactJournalResponse c when c.JobId == _compacting:
                Timers.Cancel(nameof(CompactionPatience));
                _compacting = null;
                CompactNext();
                break;
            case CompactJournalResponse:
                break;
            case WorkWanted w:
                _wants[w.Node.Name] = new Want(w.Node, w.FreeSlots);
                QueueDispatch();
                break;
            case WorkAvailable:
                QueueDispatch();
                break;
            case WorkWithdrawn w:
                _wants.Remove(w.NodeName);
                break;
            case SpeculationTick:
                if (_wants.Values.Any(w => w.Slots > 0) && _jobs.Values.Any(j => j.Stage == JobStates.Encoding)) QueueDispatch();
                break;
            case DispatchNow:
                _dispatchQueued = false;
                await DispatchAsync();
                break;
            case NodeRejoined r:
                foreach (var job in _jobs.Values) job.Ref.Tell(r);
                break;
            case NodeLeaving l:
                foreach (var job in _jobs.Values) job.Ref.Tell(l);
                break;
            case NodeGone g:
                _wants.Remove(g.NodeName);
                foreach (var job in _jobs.Values) job.Ref.Tell(g);
                break;
            case ReleaseOrphansNow:
                var connected = await Cluster(Context).Ask<IReadOnlySet<string>>(new FetchConnectedNodes(), TimeSpan.FromSeconds(30));
                foreach (var job in _jobs.Values) job.Ref.Tell(new ReleaseOrphanedChunks(connected));
                break;
            case CancelOnNode c:
                // The cluster actor holds every member's connection, wanting work or not.
                Cluster(Context).Tell(c, Self);
                break;
            case ChunkReport r:
                if (r.Report is ReportChunkFailed failed) _assignedAt.Remove((r.JobId, r.ChunkIndex, failed.Attempt));
                Forward(r.JobId, r);
                break;
            case SubmitChunkResult r:
                if (_assignedAt.Remove((r.JobId, r.ChunkIndex, r.Attempt), out var assignedAt)) _metrics.ChunkEncoded(_clock.GetUtcNow() - assignedAt);
                if (!Forward(r.JobId, r)) { File.Delete(r.FilePath); Sender.Tell(new ChunkResultAnswer(false, $"no job {r.JobId}")); }
                break;
            case MeasureFirstPass m:
                if (!Forward(m.JobId, m)) Sender.Tell(new FetchSecondPassRateResponse(null));
                break;
            case FetchQueueLocation:
                Sender.Tell(new QueueLocationResponse(Self.Path.ToStringWithAddress(((ExtendedActorSystem)Context.System).Provider.DefaultAddress)));
                break;
            case FetchJob f:
                if (!Forward(f.JobId, f)) Sender.Tell(new Status.Failure(new KeyNotFoundException($"no job {f.JobId}")));
                break;
            case FetchJobFile f:
                if (!Forward(f.JobId, f)) Sender.Tell(new JobFileResponse(null, $"no job {f.JobId}"));
                break;
            case CancelJob c:
                if (!Forward(c.JobId, c)) Sender.Tell(new Status.Failure(new KeyNotFoundException($"no job {c.JobId}")));
                break;
            case RetryJob r:
                if (!Forward(r.JobId, r)) Sender.Tell(new Status.Failure(new KeyNotFoundException($"no job {r.JobId}")));
                break;
            case SetJobPriority p:
                if (!Forward(p.JobId, p)) Sender.Tell(new Status.Failure(new KeyNotFoundException($"no job {p.JobId}")));
                break;
            case JobActivity a:
                _events = _events.Add(a);
                break;
            case FetchJobEvents f:
                Sender.Tell(_events.After(f.After));
                break;
            case FetchJobs f:
                var list = new List<JobResponse>();
                try
                {
                    var (page, older, total) = Page(f);
                    foreach (var job in page)
                        list.Add(await job.Ref.Ask<JobResponse>(new FetchJob(job.Id), TimeSpan.FromSeconds(10)));
                    Sender.Tell(new JobListResponse(list, older, total));
                }
                catch (AskTimeoutException e)
                {
                    Sender.Tell(new Status.Failure(e));
                }
                break;
            case SaveSnapshotSuccess saved:
                // The list is whole in every snapshot: the events and snapshots before it are of no use.
                DeleteMessages(saved.Metadata.SequenceNr);
                DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
                break;
            case SaveSnapshotFailure f:
                Log.LogWarning(f.Cause, "snapshot of the queue at {SequenceNr} failed; its events are kept", f.Metadata.SequenceNr);
                break;
            case DeleteMessagesSuccess or DeleteSnapshotsSuccess:
                break;
            case DeleteMessagesFailure or DeleteSnapshotsFailure:
                Log.LogWarning("deleting the queue's events or snapshots covered by its snapshot failed; they stay and are read back at the next start");
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Retention: settled jobs beyond the newest <see cref="RetentionOptions.KeepJobs"/> keep only their final state.</summary>
    private void CompactOldJobs()
    {
        if (!_retention.Compacts()) return;
        var old = _jobs.Values.Where(j => JobStates.IsFinal(j.Stage))
            .OrderByDescending(j => j.Number)
            .Skip(_retention.KeepJobs);
        foreach (var job in old)
            if (_compactionAsked.Add(job.Id)) _toCompact.Enqueue(job.Id);
        CompactNext();
    }

    private void CompactNext()
    {
        while (_compacting is null && _toCompact.TryDequeue(out var id))
        {
            if (!_jobs.TryGetValue(id, out var job)) continue;
            _compacting = id;
            job.Ref.Tell(new CompactJournal());
            Timers.StartSingleTimer(nameof(CompactionPatience), new CompactJournalResponse(id, false), CompactionPatience);
        }
    }

    private void Submit(SubmitJob s)
    {
        if (DiskSpace.FreeBytes(_jobsDirectory) is { } free && free < _minFreeSpace)
        {
            if (s.InputIsOwned && File.Exists(s.InputPath)) File.Delete(s.InputPath);
            Sender.Tell(new Status.Failure(new IOException(
                $"seed has {DiskSpace.Format(free)} free on its data disk, less than min-free-space {DiskSpace.Format(_minFreeSpace)}: job refused")));
            return;
        }
        var id = (_nextId++).ToString(CultureInfo.InvariantCulture);
        var dir = Path.Combine(_jobsDirectory, id);
        Directory.CreateDirectory(dir);
        var input = s.InputPath;
        if (s.InputIsOwned)
        {
            // An uploaded input lives in the job's own folder from now on.
            var owned = Path.Combine(dir, "input" + Path.GetExtension(s.InputName));
            try
            {
                File.Move(s.InputPath, owned, overwrite: true);
            }
            catch (IOException e)
            {
                // A full disk refuses this one job, clearly; the queue and every other job carry on.
                if (File.Exists(owned)) File.Delete(owned);
                if (File.Exists(s.InputPath)) File.Delete(s.InputPath);
                Log.LogWarning("job {Job} refused: cannot store its input: {Error}", id, e.Message);
                Sender.Tell(new Status.Failure(new IOException($"seed cannot store the input: {e.Message}", e)));
                return;
            }
            input = owned;
        }
        var output = s.OutputPath ?? Path.Combine(dir, "output" + Path.GetExtension(s.OutputName));
        var spec = new JobSpec(id, input, s.InputName, output, s.Options, s.ChunkSeconds, s.Priority, s.UserOutput, s.Live, s.KeepLive);
        Persist(new JobAccepted(id), _ =>
        {
            _accepted.Add(id);
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(new AcceptedJobs([.. _accepted]));
            Spawn(id, spec);
            Log.LogInformation("job {JobId} submitted: {Input} -> {Output} ({Options})", id, s.InputName, output, string.Join(' ', s.Options));
            Sender.Tell(new SubmitJobResponse(id));
        });
    }

    private void Spawn(string id, JobSpec? spec)
    {
        _jobs[id] = new JobEntry(id, StartJobActor(id, spec), JobStates.Queued, spec?.Priority ?? 0, _clock.GetUtcNow(), null);
    }

    private IActorRef StartJobActor(string id, JobSpec? spec)
    {
        var actor = Context.ActorOf(JobActor.Props(id, spec, Path.Combine(_jobsDirectory, id), Self, _sizing, _minFreeSpace, _clock, _verify, _logs), $"job-{id}");
        Context.Watch(actor);
        // A job submitted in this run may stop before its first event is written: it starts again from its spec.
        if (spec is not null) _specs[id] = spec;
        return actor;
    }

    /// <summary>
    /// A job's actor stops only when Akka.Persistence stops it: an event it could not write (the seed's disk full, the
    /// journal's database gone). Left so, the job would answer nothing until the seed restarted (seen: a data disk filled
    /// mid-job, every claim and `job show` timed out, and freeing the disk changed nothing). It starts again from its
    /// journal after a pause (<see cref="RestartBackoff{TKey}"/>).
    /// </summary>
    private void RestartJobLater(string id)
    {
        var pause = _jobRestarts.Next(id);
        Log.LogWarning("job {JobId}: its actor stopped (its journal could not be written); starting it again in {Seconds} s", id, pause.TotalSeconds);
        Timers.StartSingleTimer($"restart-job-{id}", new RestartJob(id), pause);
    }

    private readonly Dictionary<string, JobSpec> _specs = new(StringComparer.Ordinal);
    private readonly RestartBackoff<string> _jobRestarts = new();
    private readonly HashSet<string> _givenUp = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stoppedJobs = new(StringComparer.Ordinal);

    private sealed record RestartJob(string JobId);

    private bool Forward(string jobId, object message)
    {
        if (!_jobs.TryGetValue(jobId, out var job)) return false;
        if (_stoppedJobs.Contains(jobId)) AnswerWhileRestarting(jobId, message);
        else job.Ref.Tell(message, Sender);
        return true;
    }

    /// <summary>
    /// What a job starting again answers, each asker in its own terms: a result is kept by its node and sent again, a
    /// node's report is dropped (the restarted job sends every held chunk back to the queue), and a question from the
    /// API fails as a moment's absence (HTTP 503), which pbm's waits ride out.
    /// </summary>
    private void AnswerWhileRestarting(string jobId, object message)
    {
        var why = $"job {jobId} is starting again (its journal could not be written); retry in a moment";
        switch (message)
        {
            case ChunkReport:
                break;
            case SubmitChunkResult:
                Sender.Tell(new ChunkResultAnswer(false, why, TryAgain: true));
                break;
            case MeasureFirstPass:
                Sender.Tell(new FetchSecondPassRateResponse(null));
                break;
            case FetchJobFile:
                Sender.Tell(new JobFileResponse(null, why));
                break;
            default:
                Sender.Tell(new Status.Failure(new JobRestartingException(why)));
                break;
        }
    }

    /// <summary>Coalesces bursts of triggers (many chunks released at once) into one dispatch round.</summary>
    private void QueueDispatch()
    {
        if (_dispatchQueued) return;
        _dispatchQueued = true;
        Self.Tell(new DispatchNow());
    }

    private async Task DispatchAsync()
    {
        var encoding = Ordered(_jobs.Values.Where(j => j.Stage == JobStates.Encoding)).ToList();
        if (encoding.Count == 0) return;
        foreach (var job in encoding.ToList())
        {
            if (_wants.Count == 0 || _wants.Values.Any(w => w.Node.CanEncode(job.Encoder)))
            {
                _uncapableSince.Remove(job.Id);
                continue;
            }
            // Nodes are connected but none has this encoder. A capable one may still be joining, so wait a grace
            // period; after that, say so rather than leave the job waiting in silence.
            encoding.Remove(job);
            var now = _clock.GetUtcNow();
            if (!_uncapableSince.TryGetValue(job.Id, out var since))
            {
                _uncapableSince[job.Id] = now;
                Timers.StartSingleTimer($"capable-node-grace-{job.Id}", new WorkAvailable(), _orphanGrace);
            }
            else if (now - since >= _orphanGrace)
            {
                _uncapableSince.Remove(job.Id);
                var nodes = string.Join(", ", _wants.Keys.Order(StringComparer.Ordinal));
                job.Ref.Tell(new FailJob($"no connected node can run encoder {job.Encoder} (connected: {nodes})"));
            }
        }
        var served = new HashSet<string>(StringComparer.Ordinal);
        var members = await Cluster(Context).Ask<IdleNodesResponse>(new FetchIdleNodes(), TimeSpan.FromSeconds(10));
        // One chunk each first, then reserves: no node fills its reserve while another waits with nothing to do.
        foreach (var oneOnly in new[] { true, false })
            foreach (var name in _wants.Keys.ToList())
                if (await ClaimForAsync(name, encoding, new ClaimChunk(name, Powers: members?.Powers), oneOnly)) served.Add(name);
        if (_wants.Values.All(w => w.Slots <= 0) || members is null) return;

        // Only after every pending chunk found a node: an idle node first takes over a chunk waiting in a busy node's
        // reserve (no work is done twice), and failing that runs a second attempt of a straggler.
        foreach (var name in _wants.Keys.Where(n => members.Idle.Contains(n) && !served.Contains(n)).ToList())
        {
            if (await ClaimForAsync(name, encoding, new StealChunk(name, members.Powers), oneOnly: true)) continue;
            if (_speculation.Enabled)
                await ClaimForAsync(name, encoding, new ClaimChunk(name, _speculation.MinElapsed, Powers: members.Powers), oneOnly: true);
        }
    }

    /// <summary>Hands the node chunks from the jobs in queue order while it has free slots; true when it got any.</summary>
    private async Task<bool> ClaimForAsync(string name, IReadOnlyList<JobEntry> encoding, object claim, bool oneOnly)
    {
        var want = _wants[name];
        var got = false;
        foreach (var job in encoding)
        {
            if (want.Slots <= 0 || (oneOnly && got)) break;
            if (!want.Node.CanEncode(job.Encoder) || _stoppedJobs.Contains(job.Id)) continue;
            while (want.Slots > 0 && !(oneOnly && got))
            {
                var peers = _wants.Values.Where(w => w.Node.Name != name && w.Node.CanEncode(job.Encoder)).Select(w => w.Node.Name).ToList();
                object answer;
                try
                {
                    answer = await job.Ref.Ask<object>(claim is ClaimChunk c ? c with { Peers = peers } : claim, TimeSpan.FromSeconds(30));
                }
                catch (AskTimeoutException)
                {
                    // One job that cannot answer (it is restarting) must not take the queue, and every other job, down with it.
                    Log.LogWarning("job {JobId} did not answer a claim for {Node}; trying the next job", job.Id, name);
                    break;
                }
                if (answer is JobStopping)
                {
                    // Its Terminated follows and starts it again; until then no claim goes to it.
                    _stoppedJobs.Add(job.Id);
                    break;
                }
                if (answer is not ChunkClaimed claimed) break;
                if (!want.Node.Send(claimed.Assignment))
                {
                    // The socket closed under us: the chunk goes straight back.
                    job.Ref.Tell(new NodeGone(name, "connection closed while assigning"));
                    want = want with { Slots = 0 };
                    break;
                }
                want = want with { Slots = want.Slots - 1 };
                got = true;
                Measure(job, claimed.Assignment.ChunkIndex, claimed.Assignment.Attempt);
                Log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt} assigned to {Node}", job.Id, claimed.Assignment.ChunkIndex, claimed.Assignment.Attempt, name);
            }
        }
        _wants[name] = want;
        return got;
    }

    private void Measure(JobEntry job, int chunkIndex, int attempt)
    {
        _assignedAt[(job.Id, chunkIndex, attempt)] = _clock.GetUtcNow();
        if (attempt > 1) _metrics.ChunkRetried();
        if (_waitMeasured.Add(job.Id)) _metrics.QueueWaited(_clock.GetUtcNow() - job.SubmittedAt);
    }

    /// <summary>The jobs a listing asks for: only those are asked for their view, so a long history costs a page's worth.</summary>
    private (IReadOnlyList<JobEntry> Page, string? Older, int? Total) Page(FetchJobs f)
    {
        var chosen = _jobs.Values.Where(j => f.Which switch
        {
            JobSelection.Unfinished => !JobStates.IsFinal(j.Stage),
            JobSelection.Settled => JobStates.IsFinal(j.Stage),
            _ => true,
        }).ToList();
        if (f.Limit is not { } limit) return (Ordered(chosen).ToList(), null, null);
        var newestFirst = chosen.Where(j => f.Before is not { } before || j.Number < before).OrderByDescending(j => j.Number).ToList();
        var page = newestFirst.Take(Math.Max(1, limit)).ToList();
        return (page, newestFirst.Count > page.Count ? page[^1].Id : null, chosen.Count);
    }

    private static IEnumerable<JobEntry> Ordered(IEnumerable<JobEntry> jobs) =>
        jobs.OrderByDescending(j => j.Priority).ThenBy(j => j.SubmittedAt).ThenBy(j => j.Number);

    private sealed record JobEntry(string Id, IActorRef Ref, string Stage, int Priority, DateTimeOffset SubmittedAt, string? Encoder)
    {
        /// <summary>Ids are numbers (the queue makes them so; a journal's other ids are never spawned): newest is highest.</summary>
        public long Number { get; } = long.Parse(Id, CultureInfo.InvariantCulture);
    }

    private sealed record Want(NodeHandle Node, int Slots);

    private sealed record DispatchNow;

    private sealed record ReleaseOrphansNow;

    private sealed record SpeculationTick;

}
