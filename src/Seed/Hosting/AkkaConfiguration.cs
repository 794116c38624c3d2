using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Akka.Persistence.Sql.Hosting;
using Flock.Seed.Chunks;
using Flock.Seed.Cluster;
using Flock.Seed.Jobs;
using Flock.Seed.Options;
using Flock.Seed.Storage;
using Flock.Seed.Transfers;
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
        if (seed.Transport is { } transport) builder.WithFlockCluster(transport);
        builder.WithFlockPersistence(seed.Options.Journal, seed.DataDir);
        Props JobsProps(ILoggerFactory logs)
        {
            var o = seed.Options;
            return JobsActor.Props(seed.JobsDirectory, o.OrphanGrace, o.ChunkSizing(), o.Speculation, o.MinFreeSpace, seed.Clock, seed.Metrics, o.VerifyLevel(), o.Retention, logs);
        }
        if (seed.Transport is not null)
        {
            // The queue runs once per cluster, on the oldest `seed` member; every other actor reaches it through the
            // proxy registered as JobsActor, which keeps working when the queue moves to another seed member.
            builder.WithSingleton<JobsActor>(JobsSingletonName, (_, _, resolver) => JobsProps(resolver.GetService<ILoggerFactory>()),
                // The proxy looks for the queue before the seed's member is up and warns it has not found it yet: expected at start.
                new ClusterSingletonOptions { Role = ClusterTransport.SeedRole, LogSingletonIdentificationFailure = false }, createProxyToo: true);
        }
        return builder.WithActors((system, registry, resolver) =>
        {
            var logs = resolver.GetService<ILoggerFactory>();
            var o = seed.Options;
            // The embedded cluster of `flock encode` / `flock demo` has no Akka.Cluster to hold a singleton: one local queue.
            if (seed.Transport is null) registry.Register<JobsActor>(system.ActorOf(JobsProps(logs), JobsSingletonName));
            var jobs = registry.Get<JobsActor>();
            // A standby seed member leaves the queue alone and turns node sessions away: its queue is the coordinator's,
            // behind a proxy, and Flock's messages are never serialized between seed members.
            Func<bool> coordinates = o.SeveralMembers() && seed.Transport is not null ? () => Coordinator.IsSelf(Akka.Cluster.Cluster.Get(system)) : () => true;
            var cluster = system.ActorOf(ClusterActor.Props(jobs, o.HeartbeatInterval, o.UnreachableAfter, o.Quarantine, seed.Clock, seed.Metrics, logs, clustered: seed.Transport is not null,
                coordinates: coordinates), "cluster");
            registry.Register<ClusterActor>(cluster);
            var results = new ResultStreams(seed.JobsDirectory, o.MaxChunksPerJob, jobs, seed.Metrics, logs.CreateLogger("flock.seed.nodes"));
            var gateway = system.ActorOf(NodeGatewayActor.Props(seed.Key, cluster, jobs, results, seed.Metrics, o.HeartbeatInterval, seed.AuthFailures, o.MaxNodeConnections, logs, coordinates),
                NodeGatewayActor.ActorName);
            NodeGatewayActor.EndSessionsOnShutdown(system, gateway);
        });
    }

    /// <summary>The queue's actor name: the singleton manager's on a clustered seed, the queue's own in the embedded cluster.</summary>
    public const string JobsSingletonName = "jobs";

    /// <summary>
    /// Akka.Remote over TLS with mutual authentication, where the only certificates either side accepts are the
    /// cluster authority's (<see cref="ClusterTransport.CheckPeer"/>), and Akka.Cluster with the Split Brain Resolver
    /// keeping the oldest `seed` member's side: keep-majority would down the seed of a one-seed, one-node cluster.
    /// </summary>
    public static AkkaConfigurationBuilder WithFlockCluster(this AkkaConfigurationBuilder builder, ClusterTransport transport)
    {
        builder
            .WithRemoting(new RemoteOptions
            {
                HostName = transport.BindHost,
                PublicHostName = transport.PublicHost,
                Port = transport.Port,
                PublicPort = transport.PublicPort,
                EnableSsl = true,
                Ssl = new SslOptions
                {
                    X509Certificate = transport.Certificate,
                    SuppressValidation = false,
                    RequireMutualAuthentication = true,
                    // Members are named by the authority, not by DNS: a node behind NAT has no name the seed could check.
                    ValidateCertificateHostname = false,
                    CustomValidator = (certificate, _, peer, _, log) =>
                    {
                        var refusal = certificate is null ? "no certificate" : transport.CheckPeer(certificate);
                        if (refusal is null) return true;
                        log.Warning("refused a cluster connection from {0}: {1}", peer, refusal);
                        return false;
                    },
                },
            })
            .WithClustering(new ClusterOptions
            {
                Roles = transport.Roles.ToArray(),
                SeedNodes = transport.SeedNodes?.ToArray() ?? (transport.JoinAddress is { } join ? [join] : []),
                // Counting `seed` members only, down-if-alone decides exactly as before with one seed member. With three
                // or more, a coordinator cut off from all the others (or killed) is downed and the rest carry on;
                // with two, the survivor of a dead oldest cannot tell that from being cut off itself, and downs itself.
                SplitBrainResolver = new KeepOldestOption { DownIfAlone = true, Role = ClusterTransport.SeedRole },
            })
            .AddHocon(ConfigurationFactory.ParseString($$"""
                akka.cluster {
                  # A SIGKILLed member is unreachable after about 3-4 s, then downed once membership was stable this long.
                  failure-detector.acceptable-heartbeat-pause = 2s
                  split-brain-resolver.stable-after = {{(int)Math.Max(1, transport.StableAfter.TotalSeconds)}}s
                  {{(transport.RemovalMargin is { } margin ? $"down-removal-margin = {(int)Math.Max(100, margin.TotalMilliseconds)}ms" : "")}}
                  # Never down every member when reachability keeps changing (a node killed while others join): with
                  # keep-oldest on role seed the seed's side is kept anyway, and downing the seed takes the queue with it.
                  split-brain-resolver.down-all-when-unstable = off
                  # A restarted node rejoins in about 5 s instead of 12.
                  retry-unsuccessful-join-after = 2s
                  # Twice Akka's rate: a downing reaches every member, and the lost coordinator is removed, sooner. With 50
                  # simulated encoder members the takeover took 15.7 s instead of 20.4-21.3 (bench/scale/takeover).
                  gossip-interval = 500ms
                  log-info-verbose = off
                  # A seed member's queue proxy looks for a new coordinator's queue every 250 ms, not Akka's 1 s: once the
                  # singleton started on the oldest survivor, its proxy found it 1.0 s later in three takeovers out of
                  # three, and 0.2-0.3 s later with this (nodes' asks wait in the proxy meanwhile).
                  singleton-proxy.singleton-identification-interval = 250ms
                }
                # A lost connection is reported once by Flock (membership, control channel), not by every endpoint writer.
                akka.remote.log-remote-lifecycle-events = off
                """), HoconAddMode.Prepend);
        // The seed forms the cluster by joining itself; its address is only known once remoting has bound its port.
        if (transport.JoinAddress is null && transport.SeedNodes is null) builder.AddStartup((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));
        return builder;
    }

    /// <summary>
    /// The `akka { }` section of the user's configuration file, over everything Flock set: added last, so it wins
    /// (README, Configuration). null: nothing to add.
    /// </summary>
    public static AkkaConfigurationBuilder WithAkkaSection(this AkkaConfigurationBuilder builder, Config? section) =>
        section is null ? builder : builder.AddHocon(section, HoconAddMode.Prepend);

    /// <summary>What every Flock ActorSystem has.</summary>
    public static AkkaConfigurationBuilder ConfigureFlockCommon(this AkkaConfigurationBuilder builder)
    {
        // DotNetty's leak detector (on by default, sampling) formats a whole stack trace for every buffer it samples:
        // with chunk bytes on the cluster transport that was 1.7 % of a seed's own CPU per job (bench/process-cpu
        // --trace), for a diagnostic meant for DotNetty's own development. Process-wide; set before remoting starts.
        DotNetty.Common.ResourceLeakDetector.Level = DotNetty.Common.ResourceLeakDetector.DetectionLevel.Disabled;
        return builder
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            // Flock's results of abandoned work (a stopped chunk's verification, a left node's upload) are expected to
            // find no one; the old runtime logged them at debug only.
            .AddHocon(ConfigurationFactory.ParseString("""
                # Flock logs what matters of membership itself; Akka's own lines are kept for warnings and errors.
                akka.loglevel = WARNING
                akka.log-dead-letters = off
                akka.log-dead-letters-during-shutdown = off
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                # The scheduler's wheel ticks every 10 ms by default, waking a thread 100 times a second in every
                # ActorSystem (a node runs two): 2.2 % of a core for an idle seed here. Flock's shortest timer is 200 ms,
                # messages never wait on the wheel, so a coarser tick costs no timing that matters.
                akka.scheduler.tick-duration = 100ms
                # A chunk stream (source bytes, results) shares its member pair's one connection with the cluster's
                # heartbeats, which wait behind whatever of it is queued: at most 8 elements (512 KiB) in flight, half a
                # second on a 1 MB/s uplink, where the default 32 (2 MiB) held heartbeats back for 2 s and more. A node's
                # source streams and result uploads start here and widen to what its link carries in half a second (StreamWindow).
                akka.stream.materializer.stream-ref.buffer-capacity = 8
                """), HoconAddMode.Prepend)
            // Every persisted event and snapshot goes through Flock's serializer under a stable manifest; nothing may fall
            // back to Newtonsoft with CLR type names (local messages are never serialized).
            .WithCustomSerializer(SeedEventSerializer.Name, [typeof(JobAccepted), typeof(AcceptedJobs), typeof(JobEvent), typeof(ChunkEvent), typeof(ChunkState), typeof(JobState)], system => new SeedEventSerializer(system))
            .WithCustomSerializer(ControlMessageSerializer.Name, [typeof(Flock.Messages.Cluster.ControlMessage)], system => new ControlMessageSerializer(system))
            .WithCustomSerializer(ByteStringSerializer.Name, [typeof(Akka.IO.ByteString)], system => new ByteStringSerializer(system))
            .WithCustomSerializer(StreamOfferSerializer.Name, [typeof(Flock.Messages.Chunks.FetchSourceBytesResponse), typeof(Flock.Messages.Chunks.SendChunkResultResponse)],
                system => new StreamOfferSerializer(system))
            // Akka.Streams' own settings (the StreamRef protocol's serializer bindings among them) from the start, not only
            // once a materializer injects them: serialization reads its bindings when the system starts.
            .AddHocon(Akka.Streams.ActorMaterializer.DefaultConfig(), HoconAddMode.Append)
            .WithStrictSerialization(true);
    }

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
