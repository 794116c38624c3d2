using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Flock.Actors.Persistence;

/// <summary>
/// PostgreSQL journal with the same schema as <see cref="SqliteJournal"/> (<c>ordering BIGSERIAL</c>). PostgreSQL handles
/// concurrent writers itself, so each write is simply its own transaction on a pooled connection.
/// </summary>
public sealed class PostgresJournal : IJournal
{
    private const string UniqueViolation = "23505";
    private readonly string _connectionString;
    private readonly EventTypeRegistry _registry;

    /// <param name="connectionString">Npgsql connection string, e.g. <c>Host=db;Username=flock;Password=...;Database=flock</c></param>
    /// <param name="registry">Manifest registry; <see cref="EventTypeRegistry.Default"/> when null.</param>
    public PostgresJournal(string connectionString, EventTypeRegistry? registry = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        _registry = registry ?? EventTypeRegistry.Default;
    }

    public async Task WriteAsync(string persistenceId, IReadOnlyList<IPersistentRepresentation> events)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
            return;
        var rows = events.Select(e => (e.SequenceNumber, Serialized: _registry.Serialize(e.Payload))).ToArray();
        var created = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var connection = await PostgresSchema.OpenAsync(_connectionString).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            INSERT INTO event_journal (persistence_id, sequence_number, created, manifest, payload)
            SELECT @pid, s, @created, m, p FROM unnest(@seqs, @manifests, @payloads) AS t(s, m, p)
            """, connection, transaction);
        command.Parameters.AddWithValue("pid", persistenceId);
        command.Parameters.AddWithValue("created", created);
        command.Parameters.Add(new NpgsqlParameter("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.SequenceNumber).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("manifests", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Serialized.Manifest).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Serialized.Json).ToArray() });
        try
        {
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            await transaction.CommitAsync().ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            throw new JournalConcurrencyException(
                $"A sequence number in {rows[0].SequenceNumber}..{rows[^1].SequenceNumber} of {persistenceId} already exists: two writers for one persistence id?", ex);
        }
    }

    public async IAsyncEnumerable<PersistentEvent> ReplayAsync(string persistenceId, long fromSequenceNr,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        await using var connection = await PostgresSchema.OpenAsync(_connectionString).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT ordering, sequence_number, created, manifest, payload FROM event_journal
            WHERE persistence_id = @pid AND sequence_number >= @from ORDER BY sequence_number
            """, connection);
        command.Parameters.AddWithValue("pid", persistenceId);
        command.Parameters.AddWithValue("from", fromSequenceNr);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
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

    public async Task<long> HighestSequenceNrAsync(string persistenceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        await using var connection = await PostgresSchema.OpenAsync(_connectionString).ConfigureAwait(false);
        return await HighestSequenceNrAsync(connection, null, persistenceId).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> PersistenceIdsAsync(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        await using var connection = await PostgresSchema.OpenAsync(_connectionString).ConfigureAwait(false);
        // starts_with rather than a range: PostgreSQL's text ordering follows the database collation, not bytes.
        await using var command = new NpgsqlCommand("""
            SELECT persistence_id FROM event_journal
            WHERE starts_with(persistence_id, @prefix) GROUP BY persistence_id ORDER BY persistence_id COLLATE "C"
            """, connection);
        command.Parameters.AddWithValue("prefix", prefix);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var ids = new List<string>();
        while (await reader.ReadAsync().ConfigureAwait(false))
            ids.Add(reader.GetString(0));
        return ids;
    }

    public async Task DeleteAsync(string persistenceId, long toSequenceNr)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        await using var connection = await PostgresSchema.OpenAsync(_connectionString).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        var highest = await HighestSequenceNrAsync(connection, transaction, persistenceId).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            INSERT INTO journal_metadata (persistence_id, sequence_number) VALUES (@pid, @highest)
            ON CONFLICT (persistence_id) DO UPDATE SET sequence_number = GREATEST(journal_metadata.sequence_number, excluded.sequence_number);
            DELETE FROM event_journal WHERE persistence_id = @pid AND sequence_number <= @to;
            """, connection, transaction);
        command.Parameters.AddWithValue("pid", persistenceId);
        command.Parameters.AddWithValue("highest", highest);
        command.Parameters.AddWithValue("to", toSequenceNr);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    private static async Task<long> HighestSequenceNrAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string persistenceId)
    {
        await using var command = new NpgsqlCommand("""
            SELECT GREATEST(
                COALESCE((SELECT MAX(sequence_number) FROM event_journal WHERE persistence_id = @pid), 0),
                COALESCE((SELECT sequence_number FROM journal_metadata WHERE persistence_id = @pid), 0))
            """, connection, transaction);
        command.Parameters.AddWithValue("pid", persistenceId);
        return Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false) ?? 0L);
    }
}
