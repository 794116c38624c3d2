using Microsoft.Extensions.Logging;

namespace Flock.Actors;

/// <summary>The actor's view of the runtime. Only use it from inside the actor (its methods are not meant for other threads).</summary>
public interface IActorContext
{
    ActorRef Self { get; }

    /// <summary>Sender of the message being handled, or <see cref="ActorRef.NoSender"/>.</summary>
    ActorRef Sender { get; }

    /// <summary>The supervisor; <c>/user</c> for top-level actors.</summary>
    ActorRef Parent { get; }

    ActorSystem System { get; }

    /// <summary>Logger whose messages are prefixed with the actor path.</summary>
    ILogger Log { get; }

    /// <summary>Creates a child supervised by this actor; <paramref name="name"/> must be kebab-case and unique among siblings.</summary>
    ActorRef ActorOf(Props props, string name);

    ActorRef? Child(string name);

    IReadOnlyCollection<ActorRef> Children { get; }

    /// <summary>Asynchronous: the actor finishes its current message, stops its children, then runs PostStopAsync.</summary>
    void Stop(ActorRef actor);

    /// <summary>This actor receives <see cref="Terminated"/> when <paramref name="actor"/> stops (immediately if it already has).</summary>
    void Watch(ActorRef actor);

    void Unwatch(ActorRef actor);

    /// <summary>
    /// Runs long work off the mailbox (so the actor keeps handling messages) and delivers the mapped result to Self,
    /// Akka's PipeTo. The token is cancelled when the actor stops or restarts, and results arriving after that are dropped.
    /// <paramref name="onSuccess"/> and <paramref name="onFailure"/> run on the worker thread: keep them pure mappings.
    /// </summary>
    void RunTask<T>(Func<CancellationToken, Task<T>> work, Func<T, object> onSuccess, Func<Exception, object> onFailure);

    /// <summary>Delivers <paramref name="message"/> once after <paramref name="delay"/>; cancelled when this actor stops or restarts.</summary>
    ICancelable ScheduleTellOnce(TimeSpan delay, ActorRef receiver, object message);

    /// <summary>Delivers <paramref name="message"/> periodically; cancelled when this actor stops or restarts.</summary>
    ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ActorRef receiver, object message);

    /// <summary>Sends <see cref="ReceiveTimeout"/> after this much idle time (repeatedly while idle); null disables it.</summary>
    void SetReceiveTimeout(TimeSpan? timeout);
}
