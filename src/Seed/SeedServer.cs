using Flock.Actors;
using Flock.Actors.Persistence;
using Flock.Messages.Cluster;
using Flock.Seed.Api;
using Flock.Seed.Cluster;
using Flock.Seed.Dashboard;
using Flock.Seed.Jobs;
using Flock.Seed.Metrics;
using Flock.Seed.Options;
using Flock.Seed.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flock.Seed;

/// <summary>
/// A running seed: Kestrel (node WebSockets, chunk bytes, job API) over an actor system whose jobs and chunks are
/// recovered from the journal on start.
/// </summary>
public sealed class SeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ActorSystem _system;

    private SeedServer(WebApplication app, ActorSystem system, SeedRuntime runtime, Uri address)
    {
        _app = app;
        _system = system;
        Runtime = runtime;
        Address = address;
    }

    public SeedRuntime Runtime { get; }

    /// <summary>The address actually bound (a configured port 0 is resolved).</summary>
    public Uri Address { get; }

    public static async Task<SeedServer> StartAsync(SeedOptions options, ILoggerFactory? loggerFactory = null, Action<string>? say = null, CancellationToken ct = default)
    {
        var dataDir = Path.GetFullPath(options.DataDir);
        Directory.CreateDirectory(dataDir);
        var (key, createdAt) = ClusterKey.LoadOrCreate(options.ClusterKey, dataDir);
        if (createdAt is not null) say?.Invoke($"created a cluster key in {createdAt}: give it to nodes as FLOCK_CLUSTER_KEY");

        var connection = options.Journal.ConnectionString is { Length: > 0 } cs ? cs : $"Data Source={Path.Combine(dataDir, "journal.db")}";
        var stores = JournalFactory.Create(options.Journal.Provider, connection, SeedEventTypes.Create());

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxUploadSize);
        if (loggerFactory is not null)
        {
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(loggerFactory);
        }
        else
        {
            builder.Logging.ClearProviders().AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }
        var app = builder.Build();
        var logs = app.Services.GetRequiredService<ILoggerFactory>();

        var system = ActorSystem.Create("flock-seed", logs, stores.Journal, stores.SnapshotStore);
        var clock = TimeProvider.System;
        var jobsDir = Path.Combine(dataDir, "jobs");
        Directory.CreateDirectory(jobsDir);
        var metrics = new SeedMetrics();
        var jobs = system.ActorOf(JobsActor.Props(jobsDir, options.OrphanGrace, options.Speculation, options.MinFreeSpace, clock, metrics), "jobs");
        var cluster = system.ActorOf(ClusterActor.Props(jobs, options.HeartbeatInterval, options.UnreachableAfter, options.Quarantine, clock, metrics), "cluster");
        var runtime = new SeedRuntime(options, key, system, jobs, cluster, dataDir, metrics);

        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.HeartbeatInterval });
        app.MapGet("/healthz", () => "ok");
        JobEndpoints.Map(app, runtime);
        NodeEndpoints.Map(app, runtime, logs);
        MetricsEndpoints.Map(app, runtime);
        DashboardEndpoints.Map(app, runtime);

        await app.StartAsync(ct).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? options.Urls;
        if (options.AdminToken.Length == 0 && !IsLoopback(bound))
            logs.CreateLogger("flock.seed").LogWarning("the job API has no token and listens on {Address}: set flock.seed.admin-token or FLOCK_TOKEN", bound);
        return new SeedServer(app, system, runtime, new Uri(bound));
    }

    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _system.TerminateAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.IsLoopback || u.Host is "127.0.0.1" or "[::1]" or "localhost");
}
