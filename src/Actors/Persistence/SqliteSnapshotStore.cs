namespace Flock.Actors.Persistence;

/// <summary>SQLite snapshot store (table <c>snapshot</c>); shares the writer of the journal with the same connection string.</summary>
public sealed class SqliteSnapshotStore : ISnapshotStore
{
    private readonly SqliteDatabase _database;
    private readonly EventTypeRegistry _registry;

    public SqliteSnapshotStore(string connectionString, EventTypeRegistry? registry = null)
    {
        _database = SqliteDatabase.For(connectionString);
        _registry = registry ?? EventTypeRegistry.Default;
    }

    public Task SaveAsync(string persistenceId, long sequenceNr, object state)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        var (manifest, json) = _registry.Serialize(state);
        var created = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return _database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT OR REPLACE INTO snapshot (persistence_id, sequence_number, created, manifest, snapshot)
                VALUES ($pid, $seq, $created, $manifest, $snapshot)
                """;
            command.Parameters.AddWithValue("$pid", persistenceId);
            command.Parameters.AddWithValue("$seq", sequenceNr);
            command.Parameters.AddWithValue("$created", created);
            command.Parameters.AddWithValue("$manifest", manifest);
            command.Parameters.AddWithValue("$snapshot", json);
            command.ExecuteNonQuery();
        });
    }

    public Task<(long SequenceNr, object State)?> LoadLatestAsync(string persistenceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT sequence_number, manifest, snapshot FROM snapshot
            WHERE persistence_id = $pid ORDER BY sequence_number DESC LIMIT 1
            """;
        command.Parameters.AddWithValue("$pid", persistenceId);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            return Task.FromResult<(long, object)?>(null);
        var sequenceNr = reader.GetInt64(0);
        var state = _registry.Deserialize(reader.GetString(1), reader.GetString(2), persistenceId, sequenceNr);
        return Task.FromResult<(long, object)?>((sequenceNr, state));
    }
}
