using Microsoft.Extensions.Logging;

namespace Flock.Actors;

/// <summary>
/// Base class for actors. The runtime guarantees that <see cref="ReceiveAsync"/> runs for one message at a time
/// (including across its awaits), so actor state needs no locks.
/// </summary>
public abstract class Actor
{
    private readonly ActorCell _cell;

    protected Actor()
    {
        // The cell is handed over through a thread-static so Context already works inside constructors,
        // without forcing every subclass to pass a context argument down.
        _cell = ActorCell.Constructing
            ?? throw new InvalidOperationException($"{GetType().Name} must be created by the runtime through Props.Create(...) and ActorOf.");
    }

    internal ActorCell Cell => _cell;

    protected IActorContext Context => _cell;

    protected ActorRef Self => _cell.Self;

    protected ActorRef Sender => _cell.Sender;

    protected ILogger Log => _cell.Log;

    protected internal abstract Task ReceiveAsync(object message);

    /// <summary>Runs before the first message of this instance (also after a restart).</summary>
    protected internal virtual Task PreStartAsync() => Task.CompletedTask;

    /// <summary>Runs once when the actor stops, after its children have stopped.</summary>
    protected internal virtual Task PostStopAsync() => Task.CompletedTask;

    /// <summary>Last chance for the failed instance to release resources before it is replaced; its children are stopped right after.</summary>
    protected internal virtual void PreRestart(Exception reason) { }

    /// <summary>Call for messages the actor does not understand, so they are counted and visible in logs instead of silently ignored.</summary>
    protected void Unhandled(object message) => _cell.System.PublishDeadLetter(message, Sender, Self, unhandled: true);
}
