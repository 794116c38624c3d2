using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Flock.Actors.Persistence;

/// <summary>
/// SQLite journal (table <c>event_journal</c>, Akka.Persistence.Sql column names). Instances with the same connection
/// string share one writer, so create as many as convenient.
/// </summary>
public sealed class SqliteJournal : IJournal
{
    // SQLITE_CONSTRAINT: the only constraint our inserts can violate is UNIQUE(persistence_id, sequence_number).
    private const int SqliteConstraint = 19;
    private readonly SqliteDatabase _database;
    private readonly EventTypeRegistry _registry;

    /// <param name="connectionString">e.g. <c>Data Source=/var/lib/flock/flock.db</c></param>
    /// <param name="registry">Manifest registry; <see cref="EventTypeRegistry.Default"/> when null.</param>
    public SqliteJournal(string connectionString, EventTypeRegistry? registry = null)
    {
        _database = SqliteDatabase.For(connectionString);
        _registry = registry ?? EventTypeRegistry.Default;
    }

    public Task WriteAsync(string persistenceId, IReadOnlyList<IPersistentRepresentation> events)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
            return Task.CompletedTask;
        // Serialize on the caller's thread: errors surface to the right actor and the single writer stays busy only with I/O.
        var rows = events.Select(e => (e.SequenceNumber, Serialized: _registry.Serialize(e.Payload))).ToArray();
        var created = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return _database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO event_journal (persistence_id, sequence_number, created, manifest, payload)
                VALUES ($pid, $seq, $created, $manifest, $payload)
                """;
            var pid = command.Parameters.Add("$pid", SqliteType.Text);
            var seq = command.Parameters.Add("$seq", SqliteType.Integer);
            var createdParameter = command.Parameters.Add("$created", SqliteType.Integer);
            var manifest = command.Parameters.Add("$manifest", SqliteType.Text);
            var payload = command.Parameters.Add("$payload", SqliteType.Text);
            pid.Value = persistenceId;
            createdParameter.Value = created;
            foreach (var row in rows)
            {
                seq.Value = row.SequenceNumber;
                manifest.Value = row.Serialized.Manifest;
                payload.Value = row.Serialized.Json;
                try
                {
                    command.ExecuteNonQuery();
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
                {
                    throw new JournalConcurrencyException(
                        $"Sequence number {row.SequenceNumber} of {persistenceId} already exists: two writers for one persistence id?", ex);
                }
            }
        });
    }

    public async IAsyncEnumerable<PersistentEvent> ReplayAsync(string persistenceId, long fromSequenceNr,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        await Task.Yield(); // opening SQLite is synchronous; do not block the caller before its first await
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT ordering, sequence_number, created, manifest, payload FROM event_journal
            WHERE persistence_id = $pid AND sequence_number >= $from ORDER BY sequence_number
            """;
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$from", fromSequenceNr);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sequenceNr = reader.GetInt64(1);
            var manifest = reader.GetString(3);
            yield return new PersistentEvent(persistenceId, sequenceNr, _registry.Deserialize(manifest, reader.GetString(4), persistenceId, sequenceNr))
            {
                Ordering = reader.GetInt64(0),
                Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                Manifest = manifest,
            };
        }
    }

    public Task<long> HighestSequenceNrAsync(string persistenceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        using var connection = _database.OpenConnection();
        return Task.FromResult(HighestSequenceNr(connection, persistenceId));
    }

    public Task<IReadOnlyList<string>> PersistenceIdsAsync(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        // A range on the (persistence_id, sequence_number) index instead of LIKE, which SQLite cannot index case-sensitively.
        command.CommandText = """
            SELECT DISTINCT persistence_id FROM event_journal
            WHERE persistence_id >= $prefix AND persistence_id < $upper ORDER BY persistence_id
            """;
        command.Parameters.AddWithValue("$prefix", prefix);
        command.Parameters.AddWithValue("$upper", prefix + char.MaxValue);
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
            ids.Add(reader.GetString(0));
        return Task.FromResult<IReadOnlyList<string>>(ids);
    }

    public Task DeleteAsync(string persistenceId, long toSequenceNr)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        return _database.WriteAsync(connection =>
        {
            var highest = HighestSequenceNr(connection, persistenceId);
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO journal_metadata (persistence_id, sequence_number) VALUES ($pid, $highest)
                ON CONFLICT (persistence_id) DO UPDATE SET sequence_number = MAX(sequence_number, excluded.sequence_number);
                DELETE FROM event_journal WHERE persistence_id = $pid AND sequence_number <= $to;
                """;
            command.Parameters.AddWithValue("$pid", persistenceId);
            command.Parameters.AddWithValue("$highest", highest);
            command.Parameters.AddWithValue("$to", toSequenceNr);
            command.ExecuteNonQuery();
        });
    }

    private static long HighestSequenceNr(SqliteConnection connection, string persistenceId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT MAX(
                COALESCE((SELECT MAX(sequence_number) FROM event_journal WHERE persistence_id = $pid), 0),
                COALESCE((SELECT sequence_number FROM journal_metadata WHERE persistence_id = $pid), 0))
            """;
        command.Parameters.AddWithValue("$pid", persistenceId);
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L);
    }
}
