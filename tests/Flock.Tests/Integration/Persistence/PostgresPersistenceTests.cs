using System.Data.Common;
using Flock.Seed.Options;
using Npgsql;
using Xunit;

namespace Flock.Tests.Integration.Persistence;

/// <summary><c>flock.seed.journal.provider = postgresql</c>, against a throwaway PostgreSQL 15 server.</summary>
public sealed class PostgresPersistenceTests(PostgresServerFixture server) : SeedPersistenceTests, IClassFixture<PostgresServerFixture>
{
    protected override JournalOptions Journal => new() { Provider = "postgresql", ConnectionString = ConnectionString };

    private string ConnectionString
    {
        get
        {
            if (!server.Installed) throw new Xunit.Sdk.XunitException("PostgreSQL 15 not installed: apt-get install postgresql");
            if (server.StartFailure is { } failure) throw new Xunit.Sdk.XunitException("Could not start the throwaway PostgreSQL server: " + failure.Message);
            return server.ConnectionString!;
        }
    }

    protected override DbConnection OpenDatabase()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }
}
