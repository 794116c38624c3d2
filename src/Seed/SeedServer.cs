using Flock.Actors;
using Flock.Actors.Persistence;
using Flock.Messages.Cluster;
using Flock.Seed.Api;
using Flock.Seed.Cluster;
using Flock.Seed.Dashboard;
using Flock.Seed.Jobs;
using Flock.Seed.Metrics;
using Flock.Seed.Options;
using Flock.Seed.Security;
using Flock.Seed.Storage;
using System.Security.Cryptography.X509Certificates;
using Flock.Messages.Security;
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

    private SeedServer(WebApplication app, ActorSystem system, SeedRuntime runtime, Uri address, string? certificateFingerprint)
    {
        _app = app;
        _system = system;
        Runtime = runtime;
        Address = address;
        CertificateFingerprint = certificateFingerprint;
    }

    public SeedRuntime Runtime { get; }

    /// <summary>The address actually bound (a configured port 0 is resolved).</summary>
    public Uri Address { get; }

    /// <summary>The served certificate's SHA-256 fingerprint; null when TLS is off.</summary>
    public string? CertificateFingerprint { get; }

    public static async Task<SeedServer> StartAsync(SeedOptions options, ILoggerFactory? loggerFactory = null, Action<string>? say = null, CancellationToken ct = default)
    {
        var dataDir = Path.GetFullPath(options.DataDir);
        Directory.CreateDirectory(dataDir);
        var (key, createdAt) = ClusterKey.LoadOrCreate(options.ClusterKey, dataDir);
        if (createdAt is not null) say?.Invoke($"created a cluster key in {createdAt}: give it to nodes as FLOCK_CLUSTER_KEY");
        var (tokens, tokenAt) = ApiTokens.LoadOrCreate(options, dataDir);
        if (tokenAt is not null) say?.Invoke($"created an admin token in {tokenAt} (readable by its owner only): give it to pbm as FLOCK_TOKEN");
        var urls = CheckUrls(options);
        X509Certificate2? certificate = null;
        if (options.Tls)
        {
            (certificate, var certAt) = SeedCertificate.LoadOrCreate(options, dataDir);
            if (certAt is not null) say?.Invoke($"created a self-signed TLS certificate in {certAt}");
            say?.Invoke($"TLS certificate {Flock.Messages.Security.CertificateFingerprint.Of(certificate)}: nodes and pbm pin it on first contact");
        }

        var connection = options.Journal.ConnectionString is { Length: > 0 } cs ? cs : $"Data Source={Path.Combine(dataDir, "journal.db")}";
        var stores = JournalFactory.Create(options.Journal.Provider, connection, SeedEventTypes.Create());

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        if (certificate is not null) builder.WebHost.UseKestrelHttpsConfiguration(); // the slim builder leaves HTTPS out
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxUploadSize;
            if (certificate is not null) k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate);
        });
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
        var jobs = system.ActorOf(JobsActor.Props(jobsDir, options.OrphanGrace, options.ChunkSizing(), options.Speculation, options.MinFreeSpace, clock, metrics, options.VerifyLevel()), "jobs");
        var cluster = system.ActorOf(ClusterActor.Props(jobs, options.HeartbeatInterval, options.UnreachableAfter, options.Quarantine, clock, metrics), "cluster");
        var runtime = new SeedRuntime(options, key, system, jobs, cluster, dataDir, metrics, tokens, new AuthFailures(options.AuthFailureLimit, clock));

        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.HeartbeatInterval });
        app.MapGet("/healthz", () => "ok");
        JobEndpoints.Map(app, runtime);
        NodeEndpoints.Map(app, runtime, logs);
        MetricsEndpoints.Map(app, runtime);
        DashboardEndpoints.Map(app, runtime);

        await app.StartAsync(ct).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? urls;
        // The embedded cluster of `flock encode` (no `say`) is loopback-only by construction and stays quiet.
        if (!options.Tls && say is not null)
            say($"warning: TLS is off (flock.seed.tls = off): tokens and video travel in clear on {bound}; only do this on a trusted network");
        return new SeedServer(app, system, runtime, new Uri(bound), certificate is null ? null : Flock.Messages.Security.CertificateFingerprint.Of(certificate));
    }

    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _system.TerminateAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The scheme in `urls` must agree with `tls`, so nobody believes they are encrypted when they are not.</summary>
    private static string CheckUrls(SeedOptions options)
    {
        var urls = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in urls)
        {
            var https = url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            if (options.Tls && !https)
                throw new ArgumentException($"flock.seed.urls has {url} but TLS is on: write https://, or set flock.seed.tls = off for a trusted network");
            if (!options.Tls && https)
                throw new ArgumentException($"flock.seed.urls has {url} but flock.seed.tls = off: write http://");
        }
        return string.Join(';', urls);
    }

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.IsLoopback || u.Host is "127.0.0.1" or "[::1]" or "localhost");
}
