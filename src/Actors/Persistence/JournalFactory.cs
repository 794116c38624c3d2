namespace Flock.Actors.Persistence;

/// <summary>A journal and the snapshot store that belongs with it (same database).</summary>
public sealed record PersistenceStores(IJournal Journal, ISnapshotStore SnapshotStore);

/// <summary>Builds the stores from configuration, so hosts pick the database with one setting.</summary>
public static class JournalFactory
{
    /// <param name="provider"><c>sqlite</c> or <c>postgresql</c> (also <c>postgres</c>), case-insensitive.</param>
    /// <param name="connectionString">Provider-specific, e.g. <c>Data Source=/var/lib/flock/flock.db</c>.</param>
    /// <param name="registry">Manifest registry; <see cref="EventTypeRegistry.Default"/> when null.</param>
    public static PersistenceStores Create(string provider, string connectionString, EventTypeRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider.Trim().ToLowerInvariant() switch
        {
            "sqlite" => new PersistenceStores(new SqliteJournal(connectionString, registry), new SqliteSnapshotStore(connectionString, registry)),
            "postgresql" or "postgres" => new PersistenceStores(new PostgresJournal(connectionString, registry), new PostgresSnapshotStore(connectionString, registry)),
            _ => throw new ArgumentException($"Unknown journal provider '{provider}'; expected 'sqlite' or 'postgresql'.", nameof(provider)),
        };
    }
}
