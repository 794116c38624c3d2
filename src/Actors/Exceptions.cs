namespace Flock.Actors;

/// <summary>An <see cref="ActorRef.Ask{T}"/> got no reply in time; derives from <see cref="TimeoutException"/> so generic timeout handling still applies.</summary>
public sealed class AskTimeoutException(string message) : TimeoutException(message);

/// <summary>Actor names end up in paths and logs, so bad or duplicate names are rejected at creation rather than discovered later.</summary>
public sealed class InvalidActorNameException(string message) : ArgumentException(message);
