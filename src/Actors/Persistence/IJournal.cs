namespace Flock.Actors.Persistence;

/// <summary>
/// Append-only event store keyed by (persistence id, sequence number). Implementations must be safe for concurrent
/// use by many actors and must make a write durable before its task completes.
/// </summary>
public interface IJournal
{
    /// <summary>
    /// Appends all <paramref name="events"/> atomically. A (persistence id, sequence number) that already exists makes
    /// the whole call fail with <see cref="JournalConcurrencyException"/>: that can only happen when two live writers
    /// own the same persistence id, which must never be papered over.
    /// </summary>
    Task WriteAsync(string persistenceId, IReadOnlyList<IPersistentRepresentation> events);

    /// <summary>Events with sequence number &gt;= <paramref name="fromSequenceNr"/>, in order.</summary>
    IAsyncEnumerable<PersistentEvent> ReplayAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>Highest sequence number ever written (deleting events does not lower it); 0 when none.</summary>
    Task<long> HighestSequenceNrAsync(string persistenceId);

    /// <summary>Persistence ids starting with <paramref name="prefix"/> that still have events, sorted ordinally.</summary>
    Task<IReadOnlyList<string>> PersistenceIdsAsync(string prefix);

    /// <summary>Deletes events up to and including <paramref name="toSequenceNr"/> (typically once a snapshot covers them).</summary>
    Task DeleteAsync(string persistenceId, long toSequenceNr);
}
