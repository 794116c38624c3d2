using Flock.Actors.Persistence;

namespace Flock.Actors.Tests.Persistence;

public sealed class PostgresJournalContractTests(PostgresServerFixture server)
    : JournalContractTests, IClassFixture<PostgresServerFixture>
{
    protected override Task<PersistenceStores?> CreateStoresAsync(EventTypeRegistry registry)
    {
        if (!server.Installed)
        {
            // A missing server must not look like a pass, unless the caller explicitly opted out.
            if (Environment.GetEnvironmentVariable("FLOCK_SKIP_POSTGRES") == "1")
                return Task.FromResult<PersistenceStores?>(null);
            throw new Xunit.Sdk.XunitException("PostgreSQL 15 not installed: apt-get install postgresql");
        }
        if (server.StartFailure is { } failure)
            throw new Xunit.Sdk.XunitException("Could not start the throwaway PostgreSQL server: " + failure.Message);
        return Task.FromResult<PersistenceStores?>(JournalFactory.Create("postgresql", server.ConnectionString!, registry));
    }
}
