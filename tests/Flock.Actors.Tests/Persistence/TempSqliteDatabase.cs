using Microsoft.Data.Sqlite;

namespace Flock.Actors.Tests.Persistence;

/// <summary>A real SQLite file in its own temp directory, removed afterwards.</summary>
public sealed class TempSqliteDatabase : IDisposable
{
    public TempSqliteDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "flock-actors-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        ConnectionString = $"Data Source={Path.Combine(Directory, "flock.db")}";
    }

    public string Directory { get; }

    public string ConnectionString { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp dir must not fail a test.
        }
    }
}
