namespace Flock.Actors;

/// <summary>
/// A timer-driven Tell owned by an actor: it is tied to the owner's lifetime token so an actor that stops
/// (or restarts) never leaves timers firing at stale state.
/// </summary>
internal sealed class ScheduledTell : ICancelable
{
    private readonly ActorRef _receiver;
    private readonly object _message;
    private readonly ActorRef _sender;
    private readonly bool _repeat;
    private readonly Timer _timer;
    private readonly CancellationTokenRegistration _registration;
    private int _cancelled;

    public ScheduledTell(TimeSpan initialDelay, TimeSpan? interval, ActorRef receiver, object message, ActorRef sender, CancellationToken lifetime)
    {
        _receiver = receiver;
        _message = message;
        _sender = sender;
        _repeat = interval is not null;
        // Timers capture the execution context by default; the actor's ambient context must not leak into callbacks.
        using (ExecutionContext.SuppressFlow())
        {
            _timer = new Timer(static s => ((ScheduledTell)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        _registration = lifetime.Register(static s => ((ScheduledTell)s!).Cancel(), this);
        if (!IsCancellationRequested)
            _timer.Change(Clamp(initialDelay), interval is { } i ? Clamp(i) : Timeout.InfiniteTimeSpan);
    }

    public bool IsCancellationRequested => Volatile.Read(ref _cancelled) != 0;

    public void Cancel()
    {
        if (Interlocked.Exchange(ref _cancelled, 1) != 0)
            return;
        _timer.Dispose();
        _registration.Dispose();
    }

    private void Fire()
    {
        if (IsCancellationRequested)
            return;
        _receiver.Post(_message, _sender);
        if (!_repeat)
            Cancel();
    }

    private static TimeSpan Clamp(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;
}
