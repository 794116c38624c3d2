namespace Flock.Actors;

/// <summary>Replies used with <see cref="ActorRef.Ask{T}"/>; a <see cref="Failure"/> reply faults the asking task.</summary>
public abstract record Status
{
    private Status() { }

    /// <summary>Generic acknowledgement when the reply carries no natural type of its own.</summary>
    public sealed record Success(object? Status) : Flock.Actors.Status;

    /// <summary>Lets an actor report an error to an asker without throwing (which would trigger supervision).</summary>
    public sealed record Failure(Exception Cause) : Flock.Actors.Status;
}

/// <summary>Delivered to every watcher once the watched actor has fully stopped.</summary>
public sealed record Terminated(ActorRef ActorRef);

/// <summary>Stops the receiving actor once it reaches this message, so everything queued before it is still handled.</summary>
public sealed class PoisonPill
{
    public static readonly PoisonPill Instance = new();
    private PoisonPill() { }
    public override string ToString() => nameof(PoisonPill);
}

/// <summary>Sent to an actor that stayed idle longer than the timeout set with <see cref="IActorContext.SetReceiveTimeout"/>.</summary>
public sealed class ReceiveTimeout
{
    public static readonly ReceiveTimeout Instance = new();
    private ReceiveTimeout() { }
    public override string ToString() => nameof(ReceiveTimeout);
}
