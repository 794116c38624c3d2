using System.Data.Common;
using Flock.Seed.Hosting;
using Flock.Seed.Options;
using Microsoft.Data.Sqlite;

namespace Flock.Tests.Integration.Persistence;

/// <summary>The default: SQLite in the seed's data dir.</summary>
public sealed class SqlitePersistenceTests : SeedPersistenceTests
{
    protected override JournalOptions Journal { get; } = new();

    protected override DbConnection OpenDatabase()
    {
        var connection = new SqliteConnection($"Data Source={Scratch.File(AkkaConfiguration.SqliteFileName)}");
        connection.Open();
        return connection;
    }

    [Xunit.Fact]
    public async Task Database_should_be_in_write_ahead_log_mode_with_full_synchronous_writes()
    {
        await using (await Support.FlockTestSystem.StartAsync(Journal, Scratch.Path)) { }
        await using var db = OpenDatabase();
        await using var command = db.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Xunit.Assert.Equal("wal", await command.ExecuteScalarAsync());
        // What every connection of the journal gets too (the bundled e_sqlite3's default): a verified chunk survives a crash.
        command.CommandText = "PRAGMA synchronous;";
        Xunit.Assert.Equal(2L, await command.ExecuteScalarAsync());
    }
}
