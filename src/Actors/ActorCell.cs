using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Flock.Actors;

/// <summary>
/// The runtime side of one actor: mailbox, children, watchers, supervision. It outlives actor instances, which is
/// what lets a restart keep the mailbox and the <see cref="ActorRef"/>. There is no thread per actor: a processing
/// loop is queued to the thread pool only while messages are pending, so idle actors cost just their memory.
/// </summary>
internal sealed partial class ActorCell : IActorContext
{
    // Above this many messages in one go the loop yields, so a flooded actor cannot hog a pool thread on a 2-core box.
    private const int Throughput = 100;

    private const int Running = 0;
    private const int Stopping = 1;
    private const int Stopped = 2;

    [ThreadStatic] private static ActorCell? t_constructing;
    private static readonly AsyncLocal<ActorCell?> s_current = new();

    private readonly Channel<Envelope> _mailbox = Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = true });
    // System messages bypass the user queue: a stop or a child failure must not wait behind a backlog.
    private readonly Queue<SystemMessage> _systemMessages = new();
    private readonly object _gate = new();
    private readonly Props _props;
    private readonly ActorCell? _parent;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<string, ActorCell>? _children;
    private HashSet<ActorCell>? _watchers;
    private HashSet<ActorCell>? _watching;
    private CancellationTokenSource _lifetime = new();
    private RestartStatistics _restartStats;
    private Actor? _actor;
    private bool _instanceStarted;
    private int _scheduled;
    private volatile int _state;
    private bool _stopRequested;
    private ActorRef _sender = ActorRef.NoSender;
    private ILogger? _log;
    private TimeSpan? _receiveTimeout;
    private Timer? _receiveTimeoutTimer;

    internal ActorCell(ActorSystem system, ActorCell? parent, Props props, string path)
    {
        System = system;
        _parent = parent;
        _props = props;
        Self = new ActorRef(path, this);
    }

    /// <summary>Set while a Props factory runs so the <see cref="Actor"/> constructor can find its cell.</summary>
    internal static ActorCell? Constructing => t_constructing;

    /// <summary>The actor whose code is running on the current async flow; gives Tell its implicit sender.</summary>
    internal static ActorCell? Current => s_current.Value;

    public ActorSystem System { get; }

    public ActorRef Self { get; }

    public ActorRef Sender => _sender;

    public ActorRef Parent => _parent?.Self ?? ActorRef.NoSender;

    public ILogger Log => _log ??= new PathLogger(
        System.LoggerFactory.CreateLogger(_actor?.GetType().FullName ?? "Flock.Actors.Actor"), Self.Path);

    internal bool IsTerminated => _state == Stopped;

    internal Task Terminated => _terminated.Task;

    internal SupervisorStrategy SupervisorStrategyForChildren => _props.SupervisorStrategy ?? SupervisorStrategy.Default;

    public IReadOnlyCollection<ActorRef> Children
    {
        get
        {
            lock (_gate)
                return _children is null ? [] : _children.Values.Select(c => c.Self).ToArray();
        }
    }

    internal void Start() => SendSystem(new SystemMessage(SystemMessageKind.Create));

    // ---- children -------------------------------------------------------------------------------------------

    public ActorRef ActorOf(Props props, string name)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is null || !KebabCase().IsMatch(name))
            throw new InvalidActorNameException($"Actor name '{name}' is not kebab-case (lowercase letters, digits, single dashes).");
        ActorCell child;
        lock (_gate)
        {
            if (_state != Running || _stopRequested)
                throw new InvalidOperationException($"Cannot create child '{name}': {Self.Path} is stopping.");
            _children ??= new Dictionary<string, ActorCell>(StringComparer.Ordinal);
            if (_children.ContainsKey(name))
                throw new InvalidActorNameException($"Actor name '{name}' is already taken under {Self.Path}.");
            child = new ActorCell(System, this, props, Self.Path == "/" ? "/" + name : Self.Path + "/" + name);
            _children.Add(name, child);
        }
        child.Start();
        return child.Self;
    }

    public ActorRef? Child(string name) => ChildCell(name)?.Self;

    internal ActorCell? ChildCell(string name)
    {
        lock (_gate)
            return _children is not null && _children.TryGetValue(name, out var c) ? c : null;
    }

    private void RemoveChild(ActorCell child)
    {
        lock (_gate)
        {
            if (_children is not null && _children.TryGetValue(child.Self.Name, out var existing) && existing == child)
                _children.Remove(child.Self.Name);
        }
    }

    public void Stop(ActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Cell?.RequestStop();
    }

    internal void RequestStop() => SendSystem(new SystemMessage(SystemMessageKind.Stop));

    // ---- watching -------------------------------------------------------------------------------------------

    public void Watch(ActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Cell is not { } target || target == this)
            return;
        lock (_gate)
            (_watching ??= []).Add(target);
        if (!target.AddWatcher(this))
            Post(new Terminated(actor), actor);
    }

    public void Unwatch(ActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Cell is not { } target)
            return;
        lock (_gate)
            _watching?.Remove(target);
        target.RemoveWatcher(this);
    }

    private bool AddWatcher(ActorCell watcher)
    {
        lock (_gate)
        {
            if (_state == Stopped)
                return false;
            (_watchers ??= []).Add(watcher);
            return true;
        }
    }

    private void RemoveWatcher(ActorCell watcher)
    {
        lock (_gate)
            _watchers?.Remove(watcher);
    }

    // ---- async helpers --------------------------------------------------------------------------------------

    public void RunTask<T>(Func<CancellationToken, Task<T>> work, Func<T, object> onSuccess, Func<Exception, object> onFailure)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(onSuccess);
        ArgumentNullException.ThrowIfNull(onFailure);
        var token = _lifetime.Token;
        var self = Self;
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(async () =>
            {
                object result;
                try
                {
                    result = onSuccess(await work(token).ConfigureAwait(false));
                }
                catch (Exception ex)
                {
                    if (token.IsCancellationRequested)
                        return;
                    try
                    {
                        result = onFailure(ex);
                    }
                    catch (Exception mapEx)
                    {
                        result = new Status.Failure(mapEx);
                    }
                }
                // The instance that asked for the work is gone; its successor did not ask and must not be surprised.
                if (!token.IsCancellationRequested)
                    self.Post(result, self);
            }, CancellationToken.None);
        }
    }

    public ICancelable ScheduleTellOnce(TimeSpan delay, ActorRef receiver, object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        return new ScheduledTell(delay, null, receiver, message, Self, _lifetime.Token);
    }

    public ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ActorRef receiver, object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        if (interval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(interval), "Interval must be positive.");
        return new ScheduledTell(initialDelay, interval, receiver, message, Self, _lifetime.Token);
    }

    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        _receiveTimeout = timeout is { } t && t > TimeSpan.Zero ? t : null;
        if (_receiveTimeout is null)
        {
            _receiveTimeoutTimer?.Dispose();
            _receiveTimeoutTimer = null;
            return;
        }
        if (_receiveTimeoutTimer is null)
        {
            using (ExecutionContext.SuppressFlow())
                _receiveTimeoutTimer = new Timer(static s => ((ActorCell)s!).Post(ReceiveTimeout.Instance, ActorRef.NoSender), this,
                    Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        _receiveTimeoutTimer.Change(_receiveTimeout.Value, Timeout.InfiniteTimeSpan);
    }

    // ---- mailbox --------------------------------------------------------------------------------------------

    internal void Post(object message, ActorRef sender)
    {
        // The writer is completed on stop, so a message either lands before the final drain or is refused here:
        // nothing can slip into a mailbox nobody reads.
        if (_state == Stopped || !_mailbox.Writer.TryWrite(new Envelope(message, sender)))
        {
            System.PublishDeadLetter(message, sender, Self, unhandled: false);
            return;
        }
        Schedule();
    }

    private void SendSystem(SystemMessage message)
    {
        lock (_gate)
        {
            if (_state == Stopped)
                return;
            _systemMessages.Enqueue(message);
        }
        Schedule();
    }

    private bool TryDequeueSystem(out SystemMessage message)
    {
        lock (_gate)
            return _systemMessages.TryDequeue(out message);
    }

    private void Schedule()
    {
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
            return;
        // Without suppressing flow, the loop would inherit the *sender's* ambient state (e.g. its implicit-sender slot).
        using (ExecutionContext.SuppressFlow())
            _ = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        s_current.Value = this;
        var processed = 0;
        while (true)
        {
            while (TryDequeueSystem(out var sys))
            {
                await HandleSystemAsync(sys).ConfigureAwait(false);
                if (_state == Stopped)
                    return; // _scheduled stays 1 forever: a stopped cell must never be scheduled again.
            }

            // A failed start leaves no instance to hand user messages to; they wait for a restart or a stop.
            var acceptsUserMessages = _instanceStarted && !_stopRequested;
            if (!acceptsUserMessages || !_mailbox.Reader.TryRead(out var envelope))
            {
                Volatile.Write(ref _scheduled, 0);
                // Re-check after releasing the flag: a Tell that raced with us saw _scheduled == 1 and did not schedule.
                var more = HasSystemWork() || (acceptsUserMessages && _mailbox.Reader.TryPeek(out _));
                if (!more || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
                    return;
                continue;
            }

            await InvokeAsync(envelope).ConfigureAwait(false);

            if (++processed >= Throughput)
            {
                processed = 0;
                await Task.Yield();
            }
        }
    }

    private bool HasSystemWork()
    {
        lock (_gate)
            return _systemMessages.Count > 0;
    }

    private async Task InvokeAsync(Envelope envelope)
    {
        _receiveTimeoutTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _sender = envelope.Sender;
        try
        {
            if (envelope.Message is PoisonPill)
                RequestStop();
            else
                await _actor!.ReceiveAsync(envelope.Message).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await HandleFailureAsync(ex, envelope.Message).ConfigureAwait(false);
        }
        finally
        {
            _sender = ActorRef.NoSender;
            if (_receiveTimeout is { } t && _receiveTimeoutTimer is not null && _state == Running)
                _receiveTimeoutTimer.Change(t, Timeout.InfiniteTimeSpan);
        }
    }

    // ---- lifecycle and supervision --------------------------------------------------------------------------

    private async Task HandleSystemAsync(SystemMessage message)
    {
        switch (message.Kind)
        {
            case SystemMessageKind.Create:
                if (await StartInstanceAsync().ConfigureAwait(false) is { } startFailure)
                    await HandleFailureAsync(startFailure, null).ConfigureAwait(false);
                break;
            case SystemMessageKind.Stop:
                await StopCoreAsync().ConfigureAwait(false);
                break;
            case SystemMessageKind.ChildFailed:
                // Escalation: the child's failure becomes ours, judged by our own supervisor.
                await HandleFailureAsync(message.Cause!, null).ConfigureAwait(false);
                break;
        }
    }

    private async Task<Exception?> StartInstanceAsync()
    {
        _instanceStarted = false;
        try
        {
            _actor = CreateInstance();
            _log = null;
            await _actor.PreStartAsync().ConfigureAwait(false);
            _instanceStarted = true;
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private Actor CreateInstance()
    {
        var previous = t_constructing;
        t_constructing = this;
        try
        {
            var actor = _props.Factory() ?? throw new InvalidOperationException("Props factory returned null.");
            if (actor.Cell != this)
                throw new InvalidOperationException("Props factory must create a new actor instance on every call.");
            return actor;
        }
        finally
        {
            t_constructing = previous;
        }
    }

    private async Task HandleFailureAsync(Exception cause, object? message)
    {
        Exception? failure = cause;
        while (failure is not null && _state == Running && !_stopRequested)
        {
            var current = failure;
            failure = null;
            var strategy = _parent?.SupervisorStrategyForChildren ?? SupervisorStrategy.Stopping;
            var directive = strategy.Decide(current);
            if (directive == Directive.Resume && !_instanceStarted)
                directive = Directive.Restart; // nothing valid to resume
            if (directive == Directive.Restart && !strategy.RequestRestartPermission(ref _restartStats))
            {
                System.Logger.LogError(current, "Actor {Path} exceeded {MaxRetries} restarts within {Within}; stopping it",
                    Self.Path, strategy.MaxNrOfRetries, strategy.WithinTimeRange);
                directive = Directive.Stop;
            }
            if (directive == Directive.Escalate && (_parent is null || _parent._parent is null))
                directive = Directive.Stop; // the user guardian has no one to escalate to

            System.Logger.LogError(current, "Actor {Path} failed while handling {MessageType}; directive {Directive}",
                Self.Path, message?.GetType().Name ?? "start", directive);

            switch (directive)
            {
                case Directive.Resume:
                    break;
                case Directive.Restart:
                    failure = await RestartAsync(current).ConfigureAwait(false);
                    message = null;
                    break;
                case Directive.Stop:
                    RequestStop();
                    break;
                case Directive.Escalate:
                    // We carry on meanwhile; if the parent restarts or stops, it stops us as its child anyway.
                    _parent!.SendSystem(new SystemMessage(SystemMessageKind.ChildFailed, current));
                    break;
            }
        }
    }

    private async Task<Exception?> RestartAsync(Exception reason)
    {
        if (_actor is not null && _instanceStarted)
        {
            try
            {
                _actor.PreRestart(reason);
            }
            catch (Exception ex)
            {
                System.Logger.LogError(ex, "PreRestart of {Path} threw", Self.Path);
            }
        }
        ResetLifetime();
        // The fresh instance recreates its children in PreStart; the old ones would clash by name and carry stale state.
        await StopChildrenAsync().ConfigureAwait(false);
        return await StartInstanceAsync().ConfigureAwait(false);
    }

    private void ResetLifetime()
    {
        var old = _lifetime;
        _lifetime = new CancellationTokenSource();
        old.Cancel();
        _receiveTimeout = null;
        _receiveTimeoutTimer?.Dispose();
        _receiveTimeoutTimer = null;
    }

    private async Task StopChildrenAsync()
    {
        ActorCell[] children;
        lock (_gate)
            children = _children is null ? [] : _children.Values.ToArray();
        foreach (var child in children)
            child.RequestStop();
        await Task.WhenAll(children.Select(c => c.Terminated)).ConfigureAwait(false);
    }

    private async Task StopCoreAsync()
    {
        lock (_gate)
            _stopRequested = true;
        _lifetime.Cancel();
        _receiveTimeoutTimer?.Dispose();
        _receiveTimeoutTimer = null;

        await StopChildrenAsync().ConfigureAwait(false);

        if (_actor is not null && _instanceStarted)
        {
            try
            {
                await _actor.PostStopAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                System.Logger.LogError(ex, "PostStop of {Path} threw", Self.Path);
            }
        }

        HashSet<ActorCell>? watchers;
        HashSet<ActorCell>? watching;
        lock (_gate)
        {
            _state = Stopped;
            watchers = _watchers;
            watching = _watching;
            _watchers = null;
            _watching = null;
            _systemMessages.Clear();
        }
        _mailbox.Writer.TryComplete();
        while (_mailbox.Reader.TryRead(out var leftover))
            System.PublishDeadLetter(leftover.Message, leftover.Sender, Self, unhandled: false);

        _parent?.RemoveChild(this);
        if (watching is not null)
        {
            foreach (var target in watching)
                target.RemoveWatcher(this);
        }
        if (watchers is not null)
        {
            var terminated = new Terminated(Self);
            foreach (var watcher in watchers)
                watcher.Post(terminated, Self);
        }
        _terminated.TrySetResult();
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();

    private readonly record struct Envelope(object Message, ActorRef Sender);

    private enum SystemMessageKind { Create, Stop, ChildFailed }

    private readonly record struct SystemMessage(SystemMessageKind Kind, Exception? Cause = null);
}
