namespace Flock.Actors;

/// <summary>
/// Location-transparent handle to an actor. It stays valid across restarts (the mailbox lives in the cell,
/// not the instance), and a ref to a stopped actor routes messages to dead letters instead of throwing.
/// </summary>
public class ActorRef
{
    private readonly ActorCell? _cell;

    internal ActorRef(string path, ActorCell? cell)
    {
        Path = path;
        _cell = cell;
        var slash = path.LastIndexOf('/');
        Name = slash >= 0 ? path[(slash + 1)..] : path;
    }

    /// <summary>Used where a sender is required but none exists; messages told to it vanish.</summary>
    public static ActorRef NoSender { get; } = new("/no-sender", null);

    public string Path { get; }

    public string Name { get; }

    internal ActorCell? Cell => _cell;

    /// <summary>Completes once the actor has fully stopped (children stopped, PostStopAsync run); without stopping it.</summary>
    public Task WhenTerminated => _cell?.Terminated ?? Task.CompletedTask;

    /// <summary>True once the actor has fully stopped (always false for <see cref="NoSender"/>).</summary>
    public bool IsTerminated => _cell?.IsTerminated ?? false;

    /// <summary>
    /// Fire-and-forget send. A null <paramref name="sender"/> means the actor currently running on this flow
    /// (so replies find their way back, as Akka's implicit Self does), or <see cref="NoSender"/> outside actors.
    /// </summary>
    public void Tell(object message, ActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        Post(message, sender ?? ActorCell.Current?.Self ?? NoSender);
    }

    internal virtual void Post(object message, ActorRef sender) => _cell?.Post(message, sender);

    /// <summary>
    /// Request/response. The reply is matched through a temporary ref rather than a correlation id so the callee
    /// just replies to <c>Sender</c>. A <see cref="Status.Failure"/> reply faults the task; no reply within
    /// <paramref name="timeout"/> (default <see cref="ActorSystem.DefaultAskTimeout"/>) throws <see cref="AskTimeoutException"/>.
    /// Awaiting an Ask inside <c>ReceiveAsync</c> blocks that actor's mailbox; prefer <see cref="IActorContext.RunTask{T}"/> there.
    /// </summary>
    public Task<T> Ask<T>(object message, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var system = _cell?.System ?? throw new InvalidOperationException($"Cannot ask {Path}: it is not a live actor.");
        var effectiveTimeout = timeout ?? system.DefaultAskTimeout;
        var promise = new PromiseActorRef<T>(this, effectiveTimeout);
        Post(message, promise);
        return promise.Task;
    }

    public override string ToString() => Path;
}

/// <summary>One-shot reply target behind <see cref="ActorRef.Ask{T}"/>.</summary>
internal sealed class PromiseActorRef<T> : ActorRef
{
    private static long s_counter;
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource? _timeout;

    public PromiseActorRef(ActorRef target, TimeSpan timeout)
        : base($"/temp/ask-{Interlocked.Increment(ref s_counter)}", null)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
            return;
        _timeout = new CancellationTokenSource(timeout);
        _timeout.Token.Register(() => _completion.TrySetException(
            new AskTimeoutException($"Ask to {target.Path} timed out after {timeout.TotalMilliseconds:0} ms.")));
        _completion.Task.ContinueWith(static (_, state) => ((CancellationTokenSource)state!).Dispose(), _timeout,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task<T> Task => _completion.Task;

    internal override void Post(object message, ActorRef sender)
    {
        switch (message)
        {
            case Status.Failure failure:
                _completion.TrySetException(failure.Cause);
                break;
            case T reply:
                _completion.TrySetResult(reply);
                break;
            case Status.Success { Status: T inner }:
                _completion.TrySetResult(inner);
                break;
            default:
                _completion.TrySetException(new InvalidCastException(
                    $"Ask expected a reply of type {typeof(T).Name} but got {message.GetType().Name}."));
                break;
        }
    }
}
