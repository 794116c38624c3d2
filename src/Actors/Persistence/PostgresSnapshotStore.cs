using Npgsql;

namespace Flock.Actors.Persistence;

/// <summary>PostgreSQL snapshot store (table <c>snapshot</c>).</summary>
public sealed class PostgresSnapshotStore : ISnapshotStore
{
    private readonly string _connectionString;
    private readonly EventTypeRegistry _registry;

    public PostgresSnapshotStore(string connectionString, EventTypeRegistry? registry = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        _registry = registry ?? EventTypeRegistry.Default;
    }

    public async Task SaveAsync(string persistenceId, long sequenceNr, object state)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        var (manifest, json) = _registry.Serialize(state);
        await using var connection = await PostgresSchema.OpenAsync(_connectionString).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            INSERT INTO snapshot (persistence_id, sequence_number, created, manifest, snapshot)
            VALUES (@pid, @seq, @created, @manifest, @snapshot)
            ON CONFLICT (persistence_id, sequence_number)
            DO UPDATE SET created = excluded.created, manifest = excluded.manifest, snapshot = excluded.snapshot
            """, connection);
        command.Parameters.AddWithValue("pid", persistenceId);
        command.Parameters.AddWithValue("seq", sequenceNr);
        command.Parameters.AddWithValue("created", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("manifest", manifest);
        command.Parameters.AddWithValue("snapshot", json);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public async Task<(long SequenceNr, object State)?> LoadLatestAsync(string persistenceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        await using var connection = await PostgresSchema.OpenAsync(_connectionString).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT sequence_number, manifest, snapshot FROM snapshot
            WHERE persistence_id = @pid ORDER BY sequence_number DESC LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("pid", persistenceId);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false))
            return null;
        var sequenceNr = reader.GetInt64(0);
        return (sequenceNr, _registry.Deserialize(reader.GetString(1), reader.GetString(2), persistenceId, sequenceNr));
    }
}
