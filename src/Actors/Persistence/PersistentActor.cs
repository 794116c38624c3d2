using Microsoft.Extensions.Logging;

namespace Flock.Actors.Persistence;

/// <summary>
/// Event-sourced actor: state changes only through events that are written to the journal before they are applied,
/// so after a crash or restart the state is rebuilt exactly by replaying them.
/// </summary>
/// <remarks>
/// The journal and snapshot store come from <see cref="ActorSystem.Journal"/> / <see cref="ActorSystem.SnapshotStore"/>
/// (see <see cref="ActorSystem.Create(string, Microsoft.Extensions.Logging.ILoggerFactory?, IJournal, ISnapshotStore?)"/>)
/// unless passed to the protected constructor. Recovery runs in <see cref="PreStartAsync"/>, before any message is
/// handled (messages arriving meanwhile wait in the mailbox); it is sealed so recovery cannot be skipped by accident,
/// so put start-up logic in <see cref="OnRecoveryCompleted"/>.
/// Only one live actor may own a persistence id: a second writer is detected by the journal rejecting a duplicate
/// sequence number, which fails the actor.
/// </remarks>
public abstract class PersistentActor : Actor
{
    private readonly IJournal? _journal;
    private readonly ISnapshotStore? _snapshotStore;
    private bool _persisting;

    protected PersistentActor() { }

    protected PersistentActor(IJournal journal, ISnapshotStore? snapshotStore = null)
    {
        _journal = journal ?? throw new ArgumentNullException(nameof(journal));
        _snapshotStore = snapshotStore;
    }

    /// <summary>Stable identity of the event stream, by convention <c>&lt;type&gt;-&lt;id&gt;</c>, e.g. <c>job-42</c> or <c>chunk-42-7</c>.</summary>
    public abstract string PersistenceId { get; }

    /// <summary>Sequence number of the last event persisted or replayed; 0 for a new stream.</summary>
    protected long LastSequenceNr { get; private set; }

    protected bool IsRecovering { get; private set; }

    /// <summary>Take a snapshot (via <see cref="GetSnapshotState"/>) after every this many events; 0 or less disables it.</summary>
    protected virtual int SnapshotEvery => 100;

    protected IJournal Journal => _journal ?? Context.System.Journal ?? throw new InvalidOperationException(
        $"{GetType().Name} has no journal: create the ActorSystem with ActorSystem.Create(name, loggerFactory, journal, snapshotStore) or pass one to the PersistentActor constructor.");

    protected ISnapshotStore? SnapshotStore => _snapshotStore ?? Context.System.SnapshotStore;

    /// <summary>Applies one replayed event. Must be deterministic and free of side effects (no Tells): it also runs on every recovery.</summary>
    protected abstract void OnRecover(object @event);

    /// <summary>Restores state from a snapshot taken from <see cref="GetSnapshotState"/>.</summary>
    protected virtual void OnRecoverSnapshot(object snapshot) =>
        throw new NotSupportedException($"{GetType().Name} returned a snapshot from GetSnapshotState but does not override OnRecoverSnapshot.");

    /// <summary>Runs once the state is rebuilt, before the first message; the place to resume interrupted work.</summary>
    protected virtual void OnRecoveryCompleted() { }

    /// <summary>State to snapshot every <see cref="SnapshotEvery"/> events; null (the default) means never.</summary>
    protected virtual object? GetSnapshotState() => null;

    protected internal sealed override async Task PreStartAsync()
    {
        IsRecovering = true;
        var journal = Journal;
        LastSequenceNr = 0;
        if (SnapshotStore is { } snapshots && await snapshots.LoadLatestAsync(PersistenceId).ConfigureAwait(false) is { } snapshot)
        {
            OnRecoverSnapshot(snapshot.State);
            LastSequenceNr = snapshot.SequenceNr;
        }
        await foreach (var e in journal.ReplayAsync(PersistenceId, LastSequenceNr + 1).ConfigureAwait(false))
        {
            OnRecover(e.Payload);
            LastSequenceNr = e.SequenceNumber;
        }
        // Deleted events still count: continuing below the historical maximum would reuse sequence numbers.
        LastSequenceNr = Math.Max(LastSequenceNr, await journal.HighestSequenceNrAsync(PersistenceId).ConfigureAwait(false));
        IsRecovering = false;
        OnRecoveryCompleted();
    }

    /// <summary>
    /// Writes <paramref name="event"/> durably, then applies it with <paramref name="handler"/>. Always await it before
    /// persisting again: sequence numbers are assigned in order and overlapping calls are rejected.
    /// </summary>
    protected Task PersistAsync<TEvent>(TEvent @event, Action<TEvent> handler) where TEvent : notnull =>
        PersistAllAsync([@event], handler);

    /// <summary>Writes all events atomically (one journal call), then applies each in order.</summary>
    protected async Task PersistAllAsync<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler) where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(handler);
        if (IsRecovering)
            throw new InvalidOperationException("Cannot persist during recovery: OnRecover must only rebuild state.");
        if (_persisting)
            throw new InvalidOperationException($"{PersistenceId}: await the previous PersistAsync before persisting again.");
        var list = events.ToList();
        if (list.Count == 0)
            return;

        _persisting = true;
        var before = LastSequenceNr;
        try
        {
            var batch = new IPersistentRepresentation[list.Count];
            for (var i = 0; i < list.Count; i++)
                batch[i] = new PersistentEvent(PersistenceId, before + i + 1, list[i]);
            await Journal.WriteAsync(PersistenceId, batch).ConfigureAwait(false);
            foreach (var e in list)
            {
                LastSequenceNr++;
                handler(e);
            }
        }
        finally
        {
            _persisting = false;
        }

        var every = SnapshotEvery;
        if (every > 0 && before / every != LastSequenceNr / every && SnapshotStore is not null && GetSnapshotState() is { } state)
        {
            try
            {
                await SaveSnapshotAsync(state).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A missed snapshot only makes the next recovery longer; it must not fail the actor.
                Log.LogWarning(ex, "Automatic snapshot of {PersistenceId} at {SequenceNr} failed", PersistenceId, LastSequenceNr);
            }
        }
    }

    /// <summary>Saves <paramref name="state"/> as of <see cref="LastSequenceNr"/>.</summary>
    protected Task SaveSnapshotAsync(object state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var store = SnapshotStore ?? throw new InvalidOperationException($"{PersistenceId}: no snapshot store configured.");
        return store.SaveAsync(PersistenceId, LastSequenceNr, state);
    }

    /// <summary>Deletes journal events up to <paramref name="toSequenceNr"/>; only safe once a snapshot covers them.</summary>
    protected Task DeleteMessagesAsync(long toSequenceNr) => Journal.DeleteAsync(PersistenceId, toSequenceNr);
}
