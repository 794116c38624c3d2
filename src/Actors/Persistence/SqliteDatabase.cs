using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Flock.Actors.Persistence;

/// <summary>
/// One per connection string, shared by the journal and the snapshot store. SQLite allows a single writer, so all
/// writes go through one queue drained by one worker; whatever queued up while the previous commit was syncing is
/// committed together (group commit), each request in its own savepoint so one duplicate does not fail its neighbours.
/// Reads open their own connections: WAL lets them run alongside the writer.
/// </summary>
internal sealed class SqliteDatabase
{
    private const int MaxBatch = 256;
    private static readonly ConcurrentDictionary<string, SqliteDatabase> s_instances = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly object _schemaLock = new();
    private readonly ConcurrentQueue<WriteRequest> _writes = new();
    private volatile bool _schemaReady;
    private int _writerActive;

    private SqliteDatabase(string connectionString) => _connectionString = connectionString;

    public static SqliteDatabase For(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return s_instances.GetOrAdd(connectionString, cs => new SqliteDatabase(cs));
    }

    public SqliteConnection OpenConnection()
    {
        SqliteNative.EnsureInitialized();
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            // synchronous=FULL: a commit that returned must survive SIGKILL and power loss (a verified chunk is never redone).
            // busy_timeout: other processes (CLI tools, a second node on the same file) may hold the write lock briefly.
            Execute(connection, "PRAGMA busy_timeout=10000; PRAGMA synchronous=FULL;");
            EnsureSchema(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Queues <paramref name="work"/> to run inside the writer's transaction; completes once committed.</summary>
    public Task WriteAsync(Action<SqliteConnection> work)
    {
        var request = new WriteRequest(work);
        _writes.Enqueue(request);
        if (Interlocked.CompareExchange(ref _writerActive, 1, 0) == 0)
        {
            using (ExecutionContext.SuppressFlow())
                _ = Task.Run(DrainWrites);
        }
        return request.Completion.Task;
    }

    private void DrainWrites()
    {
        var batch = new List<WriteRequest>(MaxBatch);
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _writes.TryDequeue(out var request))
                batch.Add(request);
            if (batch.Count == 0)
            {
                Volatile.Write(ref _writerActive, 0);
                // A writer enqueued after our last TryDequeue saw the flag set and relies on us.
                if (_writes.IsEmpty || Interlocked.CompareExchange(ref _writerActive, 1, 0) != 0)
                    return;
                continue;
            }
            CommitBatch(batch);
        }
    }

    private void CommitBatch(List<WriteRequest> batch)
    {
        var failures = new Exception?[batch.Count];
        try
        {
            using var connection = OpenConnection();
            using var transaction = connection.BeginTransaction(deferred: false);
            for (var i = 0; i < batch.Count; i++)
            {
                transaction.Save("req");
                try
                {
                    batch[i].Work(connection);
                    transaction.Release("req");
                }
                catch (Exception ex)
                {
                    transaction.Rollback("req");
                    transaction.Release("req");
                    failures[i] = ex;
                }
            }
            transaction.Commit();
        }
        catch (Exception ex)
        {
            foreach (var request in batch)
                request.Completion.TrySetException(ex);
            return;
        }
        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } failure)
                batch[i].Completion.TrySetException(failure);
            else
                batch[i].Completion.TrySetResult();
        }
    }

    private void EnsureSchema(SqliteConnection connection)
    {
        if (_schemaReady)
            return;
        lock (_schemaLock)
        {
            if (_schemaReady)
                return;
            // journal_metadata remembers the highest sequence number of streams whose events were deleted,
            // the way Akka.Persistence.Sql's metadata table does, so numbers are never reused.
            Execute(connection, """
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS event_journal (
                    ordering INTEGER PRIMARY KEY AUTOINCREMENT,
                    persistence_id TEXT NOT NULL,
                    sequence_number INTEGER NOT NULL,
                    created INTEGER NOT NULL,
                    manifest TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    UNIQUE (persistence_id, sequence_number));
                CREATE TABLE IF NOT EXISTS snapshot (
                    persistence_id TEXT NOT NULL,
                    sequence_number INTEGER NOT NULL,
                    created INTEGER NOT NULL,
                    manifest TEXT NOT NULL,
                    snapshot TEXT NOT NULL,
                    PRIMARY KEY (persistence_id, sequence_number));
                CREATE TABLE IF NOT EXISTS journal_metadata (
                    persistence_id TEXT NOT NULL PRIMARY KEY,
                    sequence_number INTEGER NOT NULL);
                """);
            _schemaReady = true;
        }
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class WriteRequest(Action<SqliteConnection> work)
    {
        public Action<SqliteConnection> Work { get; } = work;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
