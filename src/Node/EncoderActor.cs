using Akka.Actor;
using Flock.Media.Processes;
using Flock.Media.Storage;
using Flock.Messages.Chunks;
using Flock.Messages.Cluster;
using Flock.Messages.Security;
using Flock.Node.Connection;
using Flock.Node.Encoding;
using Flock.Node.Options;
using Microsoft.Extensions.Logging;

namespace Flock.Node;

/// <summary>
/// A node's worker: joins the seed (and rejoins with backoff), benchmarks itself, pulls chunks — one encoding, one in
/// reserve — encodes them and uploads results while the next chunk encodes. A result finished while the seed is
/// away is kept and uploaded after reconnecting.
/// </summary>
/// <remarks>Each message is handled to the end, awaits included, before the next one (the mailbox waits on the task).</remarks>
public sealed class EncoderActor : UntypedActor, IWithTimers
{
    private readonly NodeOptions _options;
    private readonly string _name;
    private readonly SeedLink _seed;
    private readonly ControlRoute _route;
    private readonly SourceRelay _relay;
    private readonly FirstPassesAhead _ahead = new();
    private readonly ClusterKey _key;
    private readonly TaskCompletionSource<string> _fatal;
    private readonly TaskCompletionSource _left;
    private readonly string _workDir;
    private readonly List<ChunkJob> _reserve = [];
    private readonly Dictionary<string, ChunkJob> _encoding = [];
    private readonly Dictionary<string, ChunkJob> _uploading = [];
    private SeedConnection? _connection;
    private bool _joinedOnce;
    private (double Power, double Fps)? _benchmark;
    private bool _benchmarkStarted;
    private string? _memberAddress;
    private bool _joining;
    private string _ffmpegVersion = "";
    private IReadOnlyList<string> _encoders = [];
    private TimeSpan _backoff;
    private DateTime _lastHeard;
    private bool _stopping;
    private string? _paused;

    /// <summary>Free space the work dir must have before this node takes a chunk: min-free-space, or more after an encode ran out.</summary>
    private long _spaceWanted;
    private readonly CancellationTokenSource _lifetime = new();

    public EncoderActor(NodeOptions options, string name, ControlRoute route, SourceRelay relay, TaskCompletionSource<string> fatal, TaskCompletionSource left,
        ILoggerFactory logs)
    {
        _route = route;
        _relay = relay;
        Log = logs.CreateLogger<EncoderActor>();
        _left = left;
        _options = options;
        _name = name;
        _workDir = options.WorkDirFor(name);
        _seed = SeedLink.For(options, line => Log.LogInformation("{Notice}", line));
        _key = new ClusterKey(options.ClusterKey);
        _fatal = fatal;
        _backoff = options.ReconnectMin;
        _spaceWanted = options.MinFreeSpace;
    }

    /// <param name="route">Where the control link to the seed opens from: the node's cluster member, or the seed's own system.</param>
    /// <param name="relay">Where ffmpeg reads sources: it relays each read over the control session this actor holds.</param>
    /// <param name="left">Completed once the node has left the cluster (asked by SIGTERM or by the seed) and may exit.</param>
    public static Props Props(NodeOptions options, string name, ControlRoute route, SourceRelay relay, TaskCompletionSource<string> fatal, TaskCompletionSource left,
        ILoggerFactory logs) =>
        Akka.Actor.Props.Create(() => new EncoderActor(options, name, route, relay, fatal, left, logs));

    public ITimerScheduler Timers { get; set; } = null!;

    private ILogger Log { get; }

    private int Capacity => Math.Max(1, _options.ParallelEncodes) + Math.Max(0, _options.Reserve);

    protected override void PreStart()
    {
        RemoveResultsOfAnEarlierRun();
        Timers.StartPeriodicTimer(nameof(HeartbeatTick), new HeartbeatTick(), _options.HeartbeatInterval, _options.HeartbeatInterval);
        Run(ct => Ffmpeg.ToolsAsync().WaitAsync(ct), r => new ToolsKnown(r.Version, r.Encoders), e => new FatalError($"cannot run ffmpeg: {e.Message}"));
    }

    protected override void PostStop()
    {
        _lifetime.Cancel();
        foreach (var job in _reserve.Concat(_encoding.Values)) job.Cancellation.Cancel();
        if (_connection is { } connection) _ = connection.DisposeAsync().AsTask();
        _seed.Dispose();
    }

    /// <summary>
    /// Long work off the mailbox, its result piped back as a message (Akka's PipeTo); cancelled when the actor stops,
    /// so a stopped node leaves no encode or upload running.
    /// </summary>
    private void Run<T>(Func<CancellationToken, Task<T>> work, Func<T, object> onSuccess, Func<Exception, object> onFailure)
    {
        var token = _lifetime.Token;
        Task.Run(() => work(token), CancellationToken.None).PipeTo(Self, success: onSuccess, failure: onFailure);
    }

    protected override void OnReceive(object message) => RunTask(async () =>
    {
        await ReceiveAsync(message);
        // The running encode runs the first passes of the two-pass chunks behind it; it reads the reserve from here.
        _ahead.Waiting = [.. _reserve.Select(j => j.Assignment)];
    });

    private async Task ReceiveAsync(object message)
    {
        switch (message)
        {
            case ToolsKnown t:
                _ffmpegVersion = t.Version;
                _encoders = t.Encoders;
                Self.Tell(new Connect());
                break;
            case Connect when _connection is null && !_stopping && !_joining:
                _joining = true;
                var held = _uploading.Values.Concat(_encoding.Values).Select(j => new HeldResult(j.Assignment.JobId, j.Assignment.ChunkIndex, j.Assignment.Attempt)).ToArray();
                Run(ct => SeedConnection.JoinAsync(_seed, _route, _key, _name, _ffmpegVersion, _encoders, held, ct), c => new Joined(c), e => new JoinFailed(e));
                break;
            case Joined j:
                _joining = false;
                OnJoined(j.Connection);
                break;
            case JoinFailed f when f.Error is JoinRefusedException:
                _joining = false;
                Log.LogError("{Error}", f.Error.Message);
                _fatal.TrySetResult(f.Error.Message);
                break;
            case JoinFailed f:
                _joining = false;
                var tried = _seed.BaseUri;
                // Another seed member may be up: the retry resolves (and pins) the next address.
                if (_seed.MoveOnAfter(f.Error))
                    Log.LogWarning("cannot reach the seed at {Seed}: {Error}; trying {Next} in {Delay:0.#}s", tried, f.Error.Message, _seed.BaseUri, _backoff.TotalSeconds);
                else
                    Log.LogWarning("cannot reach the seed at {Seed}: {Error}; retrying in {Delay:0.#}s", tried, f.Error.Message, _backoff.TotalSeconds);
                ScheduleReconnect();
                break;
            case Benchmarked b:
                _benchmark = (b.Power, b.Fps);
                _connection?.Send(new ReportBenchmark(b.Power, b.Fps));
                RequestWork();
                break;
            case Received r when r.Connection == _connection:
                _lastHeard = DateTime.UtcNow;
                OnControl(r.Message);
                break;
            case Lost l when l.Connection == _connection:
                Log.LogWarning("lost the seed: {Reason}", l.Reason);
                await DropConnectionAsync();
                if (_stopping) await FinishLeavingAsync("the seed went away while leaving");
                else ScheduleReconnect();
                break;
            case HeartbeatTick when _connection is not null && DateTime.UtcNow - _lastHeard > _options.SeedUnreachableAfter:
                // A partition closes nothing: silence is the only sign, so the node gives up on this socket itself.
                Log.LogWarning("lost the seed: no heartbeat from the seed for {Seconds:0.0}s", (DateTime.UtcNow - _lastHeard).TotalSeconds);
                await DropConnectionAsync();
                ScheduleReconnect();
                break;
            case HeartbeatTick:
                _connection?.Send(new Heartbeat(DateTimeOffset.UtcNow));
                break;
            case SpaceCheck:
                RequestWork();
                break;
            case Progress p when _encoding.ContainsKey(p.Job.Key):
                _connection?.Send(new ReportChunkProgress(p.Job.Assignment.JobId, p.Job.Assignment.ChunkIndex, p.Job.Assignment.Attempt, p.Frames, p.Fps));
                break;
            case Encoded e:
                _encoding.Remove(e.Job.Key);
                _relay.Forget(e.Job.Assignment);
                Log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt} encoded, uploading", e.Job.Assignment.JobId, e.Job.Assignment.ChunkIndex, e.Job.Assignment.Attempt);
                e.Job.ResultFile = e.File;
                _uploading[e.Job.Key] = e.Job;
                StartUpload(e.Job);
                StartEncodes();
                RequestWork();
                await FinishLeavingIfDrainedAsync();
                break;
            case EncodeFailed f:
                _encoding.Remove(f.Job.Key);
                _relay.Forget(f.Job.Assignment);
                var wanted = !f.Job.Cancellation.IsCancellationRequested;
                if (wanted && f.OutOfSpace)
                {
                    var freeNow = DiskSpace.FreeBytes(_workDir) ?? 0;
                    // The chunk did not fit in what is free now, even above min-free-space: taking the next one at once
                    // would fail the same way (and the seed would hand this one straight back). Wait for room to be made.
                    _spaceWanted = Math.Max(_spaceWanted, 2 * freeNow);
                    Log.LogWarning("job {JobId} chunk {ChunkIndex} attempt {Attempt} handed back: the work dir {WorkDir} ran out of space ({Free} free now)",
                        f.Job.Assignment.JobId, f.Job.Assignment.ChunkIndex, f.Job.Assignment.Attempt, _workDir, DiskSpace.Format(freeNow));
                    _connection?.Send(new ReportChunkFailed(f.Job.Assignment.JobId, f.Job.Assignment.ChunkIndex, f.Job.Assignment.Attempt,
                        $"node's work dir ran out of space: {f.Error}", NodeFault: true));
                }
                else if (wanted)
                {
                    Log.LogWarning("job {JobId} chunk {ChunkIndex} attempt {Attempt} failed: {Error}", f.Job.Assignment.JobId, f.Job.Assignment.ChunkIndex, f.Job.Assignment.Attempt, f.Error);
                    _connection?.Send(new ReportChunkFailed(f.Job.Assignment.JobId, f.Job.Assignment.ChunkIndex, f.Job.Assignment.Attempt, f.Error, f.SourceDecode));
                }
                StartEncodes();
                RequestWork();
                await FinishLeavingIfDrainedAsync();
                break;
            case Uploaded u:
                u.Job.UploadInFlight = false;
                _uploading.Remove(u.Job.Key);
                if (u.Job.ResultFile is { } file) ChunkEncoder.Discard(file);
                var a = u.Job.Assignment;
                if (u.Outcome == UploadOutcome.NotWanted) Log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt} not wanted any more: {Message}", a.JobId, a.ChunkIndex, a.Attempt, u.Message);
                else if (u.Message.Length == 0) Log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt} uploaded", a.JobId, a.ChunkIndex, a.Attempt);
                else Log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt} uploaded, {How}", a.JobId, a.ChunkIndex, a.Attempt, u.Message);
                await FinishLeavingIfDrainedAsync();
                break;
            case UploadFailed u:
                u.Job.UploadInFlight = false;
                if (!_uploading.ContainsKey(u.Job.Key)) break;
                Log.LogWarning("job {JobId} chunk {ChunkIndex} attempt {Attempt}: upload failed: {Error}; will retry", u.Job.Assignment.JobId, u.Job.Assignment.ChunkIndex, u.Job.Assignment.Attempt, u.Error);
                Timers.StartSingleTimer((nameof(RetryUpload), u.Job.Key), new RetryUpload(u.Job), TimeSpan.FromSeconds(2));
                break;
            case RetryUpload r when _uploading.ContainsKey(r.Job.Key):
                StartUpload(r.Job);
                break;
            case Drained d:
                await FinishLeavingAsync(d.Why);
                break;
            case FatalError f:
                Log.LogError("{Error}", f.Message);
                _fatal.TrySetResult(f.Message);
                break;
            case MemberUp m:
                _memberAddress = m.Address;
                _connection?.Send(new ReportMember(m.Address));
                if (_connection is null && !_stopping && _ffmpegVersion.Length > 0)
                {
                    // The cluster let this node in again, so the seed is back: no reason to sit out the reconnect backoff.
                    _backoff = _options.ReconnectMin;
                    Timers.Cancel(nameof(Connect));
                    Self.Tell(new Connect());
                }
                break;
            case Leave l when !_stopping:
                await StartLeavingAsync(l.Reason);
                break;
            case DrainTimedOut when _stopping:
                Log.LogWarning("chunks still running after {Timeout}; handing them back", _options.DrainTimeout);
                foreach (var job in _encoding.Values.Concat(_uploading.Values)) await job.Cancellation.CancelAsync();
                await FinishLeavingAsync("drain timeout");
                break;
        }
    }

    private void OnJoined(SeedConnection connection)
    {
        _connection = connection;
        _relay.Connection = connection;
        _lastHeard = DateTime.UtcNow;
        // A new session's seed has not heard why this node waits: the next request for work tells it again.
        _paused = null;
        _joinedOnce = true;
        _backoff = _options.ReconnectMin;
        Log.LogInformation("joined the seed at {Seed} as {Name}", _seed.BaseUri, _name);
        // The member address of an earlier member system names a member that is gone or going: the seed would take its
        // downing for this session's. The fresh member reports itself once it is up.
        if (_memberAddress is { } address && address == ((ExtendedActorSystem)connection.System).Provider.DefaultAddress.ToString())
            connection.Send(new ReportMember(address));
        var self = Self;
        _ = Task.Run(async () =>
        {
            try
            {
                while (await connection.ReceiveAsync(CancellationToken.None).ConfigureAwait(false) is { } message)
                    self.Tell(new Received(connection, message));
                self.Tell(new Lost(connection, "the seed closed the connection"));
            }
            catch (Exception e)
            {
                self.Tell(new Lost(connection, e.Message));
            }
        });
        if (_benchmark is { } b)
        {
            connection.Send(new ReportBenchmark(b.Power, b.Fps));
            RequestWork();
        }
        else if (!_benchmarkStarted)
        {
            // Only once joined: run beside the node's own start-up (JIT, TLS, the join), the benchmark read two nodes on
            // identical cores at 1.58 and 2.64, and the seed shares chunks out by it. It runs once per process.
            _benchmarkStarted = true;
            StartBenchmark();
        }
        foreach (var job in _uploading.Values) StartUpload(job);
    }

    private void OnControl(ControlMessage message)
    {
        switch (message)
        {
            case AssignChunk a:
                if (_stopping) return;
                _reserve.Add(new ChunkJob(a));
                StartEncodes();
                // Waiting behind another encode: its bytes come now, not when its encode starts.
                if (_reserve.Any(j => j.Assignment == a)) _relay.Prefetch(a);
                break;
            case LeaveCluster l:
                Self.Tell(new Leave(l.Reason));
                break;
            case NodeDowned d:
                Log.LogWarning("the seed marked this node down: {Reason}; stopping", d.Reason);
                _stopping = true;
                foreach (var job in _reserve.Concat(_encoding.Values).Concat(_uploading.Values))
                {
                    job.Cancellation.Cancel();
                    ForgetSource(job.Assignment);
                }
                _reserve.Clear();
                _encoding.Clear();
                _uploading.Clear();
                Self.Tell(new Drained("marked down"));
                break;
            case CancelChunk c:
                foreach (var job in _reserve.Concat(_encoding.Values).Concat(_uploading.Values).ToList())
                {
                    var a = job.Assignment;
                    if (a.JobId != c.JobId || a.ChunkIndex != c.ChunkIndex || a.Attempt != c.Attempt) continue;
                    Log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt} cancelled: {Reason}", a.JobId, a.ChunkIndex, a.Attempt, c.Reason);
                    job.Cancellation.Cancel();
                    ForgetSource(a);
                    _reserve.Remove(job);
                    _uploading.Remove(job.Key);
                }
                RequestWork();
                break;
        }
    }

    /// <summary>
    /// Results a killed predecessor left behind cannot be uploaded (the seed hands their chunks to others once the
    /// node is gone), so they are only litter.
    /// </summary>
    private void RemoveResultsOfAnEarlierRun()
    {
        if (!Directory.Exists(_workDir)) return;
        foreach (var file in Directory.EnumerateFiles(_workDir, "job*-chunk*-attempt*.*"))
        {
            try { File.Delete(file); }
            catch (IOException e) { Log.LogWarning("cannot remove {File}: {Error}", file, e.Message); }
        }
    }

    /// <summary>
    /// Graceful leave: no new work, chunks held in reserve handed back at once, the running encode and uploads allowed
    /// to finish (up to drain-timeout), then the connection closes — the seed shows leaving, then exiting.
    /// </summary>
    private async Task StartLeavingAsync(string reason)
    {
        _stopping = true;
        Log.LogInformation("leaving the cluster ({Reason}); finishing {Running} running chunk(s)", reason, _encoding.Count + _uploading.Count);
        _connection?.Send(new LeaveCluster(reason));
        foreach (var job in _reserve)
        {
            await job.Cancellation.CancelAsync();
            ForgetSource(job.Assignment);
        }
        _reserve.Clear();
        Timers.StartSingleTimer(nameof(DrainTimedOut), new DrainTimedOut(), _options.DrainTimeout);
        await FinishLeavingIfDrainedAsync();
    }

    private async Task FinishLeavingIfDrainedAsync()
    {
        if (_stopping && _encoding.Count == 0 && (_uploading.Count == 0 || _connection is null))
            await FinishLeavingAsync("nothing left to finish");
    }

    private async Task FinishLeavingAsync(string why)
    {
        if (_left.Task.IsCompleted) return;
        Log.LogInformation("left the cluster: {Why}", why);
        if (_connection is { } c)
        {
            _connection = null;
            _relay.Connection = null;
            await c.DisposeAsync();
        }
        _left.TrySetResult();
    }

    private void StartEncodes()
    {
        while (_encoding.Count < Math.Max(1, _options.ParallelEncodes) && _reserve.Count > 0 && _joinedOnce)
        {
            var job = _reserve[0];
            _reserve.RemoveAt(0);
            _encoding[job.Key] = job;
            Log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt}: encoding {Frames} frames{Prefetched}", job.Assignment.JobId, job.Assignment.ChunkIndex,
                job.Assignment.Attempt, job.Assignment.ExpectedFrames, _relay.IsPrefetched(job.Assignment) ? " (its source bytes fetched while it waited)" : "");
            // Said at launch, not at ffmpeg's first progress line half a second in: the seed's time breakdown counts a
            // node's idle gaps from it, and a short chunk may be done before its first progress line.
            _connection?.Send(new ReportChunkProgress(job.Assignment.JobId, job.Assignment.ChunkIndex, job.Assignment.Attempt, 0, 0));
            var self = Self;
            var lastReport = DateTime.MinValue;
            Run(
                async ct =>
                {
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, job.Cancellation.Token);
                    return await ChunkEncoder.EncodeAsync(job.Assignment, () => _relay.Connection, _relay, _workDir, _options.Threads, p =>
                    {
                        if (DateTime.UtcNow - lastReport < TimeSpan.FromSeconds(1) && !p.Ended) return;
                        lastReport = DateTime.UtcNow;
                        self.Tell(new Progress(job, p.Frame, p.FramesPerSecond));
                    }, linked.Token, notice => Log.LogInformation("{Notice}", notice), _ahead).ConfigureAwait(false);
                },
                file => new Encoded(job, file),
                e => new EncodeFailed(job, e switch
                {
                    MediaException m => FailureText(m.Message, m.Details),
                    SourceDecodeException d => FailureText(d.Message, d.Details),
                    _ => e.Message,
                }, e is SourceDecodeException, IsOutOfSpace(e)));
        }
    }

    /// <summary>
    /// The one-line message, then the tool's stderr tail without the line the message already quotes (ffmpeg's last
    /// error line ends both): the node's log and the seed's record say it once.
    /// </summary>
    public static string FailureText(string message, string? details)
    {
        var tail = (details ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (tail.Count > 0 && message.EndsWith(tail[^1], StringComparison.Ordinal)) tail.RemoveAt(tail.Count - 1);
        return string.Join('\n', tail.Prepend(message.Trim()));
    }

    private void StartUpload(ChunkJob job)
    {
        // A rejoin and a retry timer may both ask: one upload of a result at a time.
        if (_connection is not { } connection || job.ResultFile is not { } file || job.UploadInFlight) return;
        job.UploadInFlight = true;
        Run(async ct =>
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, job.Cancellation.Token);
                return await ResultUploader.UploadAsync(connection, job.Assignment, file, linked.Token).ConfigureAwait(false);
            },
            r => new Uploaded(job, r.Outcome, r.Message), e => new UploadFailed(job, e.Message));
    }

    private void StartBenchmark()
    {
        // Nodes known to be alike (the local nodes of `flock encode`, on one machine with one share of its cores each)
        // need no measure to be weighed equally, and the benchmark would lie on the way to their first chunk.
        if (_options.BenchmarkSeconds <= 0) Self.Tell(new Benchmarked(1.0, 0));
        else Run(ct => Benchmark.RunAsync(_options.BenchmarkSeconds, _options.Threads, ct), r => new Benchmarked(r.Power, r.Fps), e => new Benchmarked(0.01, 0));
    }

    private void RequestWork()
    {
        if (_connection is null || _benchmark is null || _stopping) return;
        var free = Capacity - _reserve.Count - _encoding.Count;
        var room = DiskSpace.FreeBytes(_workDir);
        var paused = ShortOfSpace(room);
        if ((paused is null) != (_paused is null))
        {
            if (paused is not null)
            {
                Log.LogWarning("taking no chunks for now: {Reason}; looking again every {Seconds} s", paused, SpaceCheckInterval.TotalSeconds);
                Timers.StartPeriodicTimer(nameof(SpaceCheck), new SpaceCheck(), SpaceCheckInterval);
            }
            else
            {
                Log.LogInformation("taking chunks again: the work dir has {Free} free", room is { } bytes ? DiskSpace.Format(bytes) : "room");
                Timers.Cancel(nameof(SpaceCheck));
                _spaceWanted = _options.MinFreeSpace;
            }
        }
        if (paused != _paused)
        {
            _paused = paused;
            // Said even with no slot free, so the seed's view of why this node waits is current.
            _connection.Send(new RequestWork(paused is null ? Math.Max(0, free) : 0, paused));
            return;
        }
        if (paused is null && free > 0) _connection.Send(new RequestWork(free));
    }

    private static readonly TimeSpan SpaceCheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>Why this node should take no chunk now (its work dir short of min-free-space, or of room for a chunk that ran out), or null.</summary>
    /// <param name="room">free bytes in the work dir; null when the filesystem cannot say (then no check).</param>
    private string? ShortOfSpace(long? room)
    {
        if (_spaceWanted <= 0 || room is not { } free || free >= _spaceWanted) return null;
        return _spaceWanted > _options.MinFreeSpace
            ? $"work dir ran out of space for a chunk: {DiskSpace.Format(free)} free, waiting for {DiskSpace.Format(_spaceWanted)}"
            : $"work dir {DiskSpace.Format(free)} free, min-free-space {DiskSpace.Format(_options.MinFreeSpace)}";
    }

    /// <summary>ENOSPC, as ffmpeg words it in its error line or .NET raises it: the node's disk, not the chunk.</summary>
    private static bool IsOutOfSpace(Exception e) =>
        e.Message.Contains("No space left on device", StringComparison.Ordinal) || e is IOException { HResult: 28 }
        || e is MediaException { Details: { } details } && details.Contains("No space left on device", StringComparison.Ordinal);

    private async Task DropConnectionAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
        _connection = null;
        _relay.Connection = null;
        // The seed hands chunks not yet started to other nodes when we vanish; running ones may still finish and count.
        foreach (var job in _reserve) ForgetSource(job.Assignment);
        _reserve.Clear();
    }

    /// <summary>A chunk attempt this node will not encode now: its prefetched bytes and any first pass run ahead for it go.</summary>
    private void ForgetSource(AssignChunk a)
    {
        _relay.Forget(a);
        _ahead.Forget(a, _workDir);
    }

    private void ScheduleReconnect()
    {
        if (_stopping) return;
        Timers.StartSingleTimer(nameof(Connect), new Connect(), _backoff);
        _backoff = TimeSpan.FromTicks(Math.Min(_options.ReconnectMax.Ticks, _backoff.Ticks * 2));
    }

    /// <summary>The node's Akka cluster member is up at this address (again, after a rejoin): the seed is told.</summary>
    public sealed record MemberUp(string Address);

    /// <summary>Asks the node to leave the cluster gracefully: no new work, reserve handed back, running chunk finished.</summary>
    public sealed record Leave(string Reason);

    private sealed record DrainTimedOut;
    private sealed record Drained(string Why);

    private sealed record ToolsKnown(string Version, IReadOnlyList<string> Encoders);
    private sealed record Connect;
    private sealed record Joined(SeedConnection Connection);
    private sealed record JoinFailed(Exception Error);
    private sealed record Benchmarked(double Power, double Fps);
    private sealed record Received(SeedConnection Connection, ControlMessage Message);
    private sealed record Lost(SeedConnection Connection, string Reason);
    private sealed record HeartbeatTick;
    private sealed record Progress(ChunkJob Job, int Frames, double Fps);
    private sealed record Encoded(ChunkJob Job, string File);
    private sealed record EncodeFailed(ChunkJob Job, string Error, bool SourceDecode, bool OutOfSpace = false);

    private sealed record SpaceCheck;
    private sealed record Uploaded(ChunkJob Job, UploadOutcome Outcome, string Message);
    private sealed record UploadFailed(ChunkJob Job, string Error);
    private sealed record RetryUpload(ChunkJob Job);
    private sealed record FatalError(string Message);
}
