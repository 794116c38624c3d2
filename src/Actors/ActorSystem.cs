using Flock.Actors.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flock.Actors;

/// <summary>
/// Root of an actor hierarchy. Top-level actors live under <c>/user</c> and are supervised with
/// <see cref="SupervisorStrategy.Default"/>.
/// </summary>
/// <remarks>
/// Persistence is wired here rather than per actor so that every <see cref="PersistentActor"/> of a process shares
/// one journal: pass it to <see cref="Create(string, ILoggerFactory?, IJournal, ISnapshotStore?)"/>, e.g.
/// <code>
/// var (journal, snapshots) = JournalFactory.Create("sqlite", "Data Source=/var/lib/flock/flock.db");
/// await using var system = ActorSystem.Create("flock-seed", loggerFactory, journal, snapshots);
/// </code>
/// A persistent actor can still override this by passing a journal to its own constructor.
/// </remarks>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _guardian;
    private long _deadLetters;

    private ActorSystem(string name, ILoggerFactory loggerFactory, IJournal? journal, ISnapshotStore? snapshotStore)
    {
        Name = name;
        LoggerFactory = loggerFactory;
        Logger = loggerFactory.CreateLogger("Flock.Actors.ActorSystem");
        Journal = journal;
        SnapshotStore = snapshotStore;
        _guardian = new ActorCell(this, null, Props.Create(() => new GuardianActor()), "/user");
        _guardian.Start();
    }

    public string Name { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Optional container for actors that prefer resolving dependencies over capturing them in Props closures.</summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>Journal used by persistent actors that were not given one explicitly; null when persistence is not configured.</summary>
    public IJournal? Journal { get; }

    /// <summary>Snapshot store used by persistent actors; without one, snapshots are simply not taken.</summary>
    public ISnapshotStore? SnapshotStore { get; }

    /// <summary>Timeout for <see cref="ActorRef.Ask{T}"/> calls that do not pass one.</summary>
    public TimeSpan DefaultAskTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages that reached a stopped actor or were declared unhandled. A growing count usually means a protocol bug.</summary>
    public long DeadLetterCount => Interlocked.Read(ref _deadLetters);

    /// <summary>Completes once <see cref="TerminateAsync"/> has stopped every actor.</summary>
    public Task WhenTerminated => _guardian.Terminated;

    internal ILogger Logger { get; }

    public static ActorSystem Create(string name, ILoggerFactory? loggerFactory = null) =>
        new(ValidateName(name), loggerFactory ?? NullLoggerFactory.Instance, null, null);

    /// <summary>Creates a system whose persistent actors use <paramref name="journal"/> and <paramref name="snapshotStore"/>.</summary>
    public static ActorSystem Create(string name, ILoggerFactory? loggerFactory, IJournal journal, ISnapshotStore? snapshotStore = null)
    {
        ArgumentNullException.ThrowIfNull(journal);
        return new(ValidateName(name), loggerFactory ?? NullLoggerFactory.Instance, journal, snapshotStore);
    }

    /// <summary>Creates a top-level actor at <c>/user/{name}</c>.</summary>
    public ActorRef ActorOf(Props props, string name) => _guardian.ActorOf(props, name);

    /// <summary>Stops the actor (after its current message) and completes once it and its children have stopped.</summary>
    public Task StopAsync(ActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Cell is not { } cell)
            return Task.CompletedTask;
        cell.RequestStop();
        return cell.Terminated;
    }

    /// <summary>Finds a live actor by absolute path such as <c>/user/job-42/chunk-7</c>.</summary>
    public ActorRef? Lookup(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments[0] != "user")
            return null;
        var cell = _guardian;
        foreach (var segment in segments.Skip(1))
        {
            cell = cell.ChildCell(segment);
            if (cell is null)
                return null;
        }
        return cell.IsTerminated ? null : cell.Self;
    }

    /// <summary>Stops all actors, children before parents, each running its PostStopAsync.</summary>
    public Task TerminateAsync()
    {
        _guardian.RequestStop();
        return _guardian.Terminated;
    }

    public async ValueTask DisposeAsync() => await TerminateAsync().ConfigureAwait(false);

    internal void PublishDeadLetter(object message, ActorRef sender, ActorRef recipient, bool unhandled)
    {
        Interlocked.Increment(ref _deadLetters);
        if (Logger.IsEnabled(LogLevel.Debug))
        {
            Logger.LogDebug("{Kind} {MessageType} from {Sender} to {Recipient}",
                unhandled ? "Unhandled message" : "Dead letter", message.GetType().Name, sender.Path, recipient.Path);
        }
    }

    private static string ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }

    /// <summary>Parent of all top-level actors; exists so they get ordinary supervision and stop with the system.</summary>
    private sealed class GuardianActor : Actor
    {
        protected internal override Task ReceiveAsync(object message)
        {
            if (message is not Terminated)
                Unhandled(message);
            return Task.CompletedTask;
        }
    }
}
