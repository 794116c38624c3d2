using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Flock.Seed.Chunks;
using Flock.Seed.Cluster;
using Flock.Seed.Jobs;
using Flock.Seed.Options;
using Flock.Seed.Storage;
using LinqToDB;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Hosting;

/// <summary>
/// The one place that turns Flock's options into the Akka.Hosting builder of the <c>flock</c> ActorSystem. A seed
/// (`flock seed`, and the embedded cluster of `flock encode` / `flock demo`, which is a seed on a temporary data dir
/// with its nodes in the same system) gets persistence, the queue and membership; a node-only process gets just the
/// common part: Akka's own logs routed to Microsoft.Extensions.Logging and strict serialization.
/// </summary>
public static class AkkaConfiguration
{
    public const string SystemName = "flock";

    /// <summary>The SQLite file in the seed's data dir when no connection string is configured.</summary>
    public const string SqliteFileName = "flock.db";

    /// <param name="seed">null for a process that only runs encoder nodes.</param>
    public static AkkaConfigurationBuilder ConfigureFlock(this AkkaConfigurationBuilder builder, SeedContext? seed)
    {
        builder.ConfigureFlockCommon();
        if (seed is null) return builder;
        return builder
            .WithFlockPersistence(seed.Options.Journal, seed.DataDir)
            .WithActors((system, registry, resolver) =>
            {
                var logs = resolver.GetService<ILoggerFactory>();
                var o = seed.Options;
                var jobs = system.ActorOf(JobsActor.Props(seed.JobsDirectory, o.OrphanGrace, o.ChunkSizing(), o.Speculation, o.MinFreeSpace, seed.Clock, seed.Metrics, o.VerifyLevel(), logs), "jobs");
                registry.Register<JobsActor>(jobs);
                var cluster = system.ActorOf(ClusterActor.Props(jobs, o.HeartbeatInterval, o.UnreachableAfter, o.Quarantine, seed.Clock, seed.Metrics, logs), "cluster");
                registry.Register<ClusterActor>(cluster);
            });
    }

    /// <summary>What every Flock ActorSystem has.</summary>
    public static AkkaConfigurationBuilder ConfigureFlockCommon(this AkkaConfigurationBuilder builder) => builder
        .ConfigureLoggers(loggers =>
        {
            loggers.ClearLoggers();
            loggers.AddLoggerFactory();
        })
        // Flock's results of abandoned work (a stopped chunk's verification, a left node's upload) are expected to
        // find no one; the old runtime logged them at debug only.
        .AddHocon(ConfigurationFactory.ParseString("""
            akka.log-dead-letters = off
            akka.log-dead-letters-during-shutdown = off
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """), HoconAddMode.Prepend)
        // Every persisted event and snapshot goes through Flock's serializer under a stable manifest; nothing may fall
        // back to Newtonsoft with CLR type names (local messages are never serialized).
        .WithCustomSerializer(SeedEventSerializer.Name, [typeof(JobAccepted), typeof(JobEvent), typeof(ChunkEvent), typeof(ChunkState)], system => new SeedEventSerializer(system))
        .WithStrictSerialization(true);

    /// <summary>
    /// Akka.Persistence.Sql: SQLite in the data dir by default (WAL, one writer at a time), PostgreSQL when
    /// <c>flock.seed.journal.provider = postgresql</c>; tables created on first start.
    /// </summary>
    public static AkkaConfigurationBuilder WithFlockPersistence(this AkkaConfigurationBuilder builder, JournalOptions journal, string dataDir)
    {
        var (provider, connection) = Provider(journal, dataDir);
        if (provider == ProviderName.SQLiteMS) EnableWriteAheadLog(connection);
        builder.WithSqlPersistence(connection, provider, autoInitialize: true);
        // The journal and snapshot store start (and create their tables) with the system, not at the first event.
        builder.AddHocon(ConfigurationFactory.ParseString("""
            akka.persistence.journal.auto-start-journals = ["akka.persistence.journal.sql"]
            akka.persistence.snapshot-store.auto-start-snapshot-stores = ["akka.persistence.snapshot-store.sql"]
            """), HoconAddMode.Prepend);
        builder.AddStartup((system, _) => Akka.Persistence.Persistence.Instance.Apply(system));
        if (provider == ProviderName.SQLiteMS)
        {
            // SQLite takes one writer at a time even in WAL: parallel writers would only queue on its lock.
            builder.AddHocon(ConfigurationFactory.ParseString("akka.persistence.journal.sql.parallelism = 1"), HoconAddMode.Prepend);
        }
        return builder;
    }

    /// <summary>The linq2db provider and connection string <c>flock.seed.journal</c> asks for.</summary>
    public static (string Provider, string ConnectionString) Provider(JournalOptions journal, string dataDir)
    {
        var configured = journal.ConnectionString is { Length: > 0 } cs ? cs : null;
        return journal.Provider.Trim().ToLowerInvariant() switch
        {
            "sqlite" => (ProviderName.SQLiteMS, configured ?? $"Data Source={Path.Combine(dataDir, SqliteFileName)}"),
            "postgresql" or "postgres" => (ProviderName.PostgreSQL15, configured
                ?? throw new ArgumentException("flock.seed.journal.provider = postgresql needs flock.seed.journal.connection-string")),
            var other => throw new ArgumentException($"unknown journal provider '{other}'; expected 'sqlite' or 'postgresql'"),
        };
    }

    /// <summary>WAL is a property of the database file: set once, it holds for every later connection.</summary>
    private static void EnableWriteAheadLog(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}
