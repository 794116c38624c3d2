using System.Collections.Concurrent;
using Npgsql;

namespace Flock.Actors.Persistence;

/// <summary>Creates the PostgreSQL tables once per connection string per process.</summary>
internal static class PostgresSchema
{
    private static readonly ConcurrentDictionary<string, Lazy<Task>> s_created = new(StringComparer.Ordinal);

    public static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var lazy = s_created.GetOrAdd(connectionString, cs => new Lazy<Task>(() => CreateAsync(cs)));
        try
        {
            await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            // Let the next caller retry (the server may simply not have been up yet).
            s_created.TryRemove(new KeyValuePair<string, Lazy<Task>>(connectionString, lazy));
            throw;
        }
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        return connection;
    }

    private static async Task CreateAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // The advisory lock serializes nodes starting together: concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL.
        command.CommandText = """
            SELECT pg_advisory_xact_lock(727465);
            CREATE TABLE IF NOT EXISTS event_journal (
                ordering BIGSERIAL PRIMARY KEY,
                persistence_id TEXT NOT NULL,
                sequence_number BIGINT NOT NULL,
                created BIGINT NOT NULL,
                manifest TEXT NOT NULL,
                payload TEXT NOT NULL,
                UNIQUE (persistence_id, sequence_number));
            CREATE TABLE IF NOT EXISTS snapshot (
                persistence_id TEXT NOT NULL,
                sequence_number BIGINT NOT NULL,
                created BIGINT NOT NULL,
                manifest TEXT NOT NULL,
                snapshot TEXT NOT NULL,
                PRIMARY KEY (persistence_id, sequence_number));
            CREATE TABLE IF NOT EXISTS journal_metadata (
                persistence_id TEXT PRIMARY KEY,
                sequence_number BIGINT NOT NULL);
            """;
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }
}
