using Akka.Actor;
using Akka.Hosting;
using Flock.Configuration;
using Flock.Messages.Cluster;
using Flock.Seed.Api;
using Flock.Seed.Cluster;
using Flock.Seed.Dashboard;
using Flock.Seed.Hosting;
using Flock.Seed.Jobs;
using Flock.Seed.Metrics;
using Flock.Seed.Options;
using Flock.Seed.Security;
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
/// A running seed: Kestrel (chunk bytes, enrollment, job API) over the <c>flock</c> ActorSystem (Akka.Hosting,
/// configured by <see cref="AkkaConfiguration"/>) whose jobs and chunks are recovered from the journal on start.
/// </summary>
public sealed class SeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SeedServer(WebApplication app, SeedRuntime runtime, Uri address, string? certificateFingerprint)
    {
        _app = app;
        Runtime = runtime;
        Address = address;
        CertificateFingerprint = certificateFingerprint;
    }

    public SeedRuntime Runtime { get; }

    /// <summary>The seed's ActorSystem; local encoder nodes (`local-node = on`, `flock encode`) run in it too.</summary>
    public ActorSystem System => _app.Services.GetRequiredService<ActorSystem>();

    /// <summary>
    /// Completes when the seed's own cluster member is removed from the cluster (downed by the Split Brain Resolver or
    /// an operator), or is left for good: its queue singleton is gone with it and a member joins a cluster once, so
    /// `flock seed` starts a fresh server (journal replay brings every job back). Never completes without the cluster transport.
    /// </summary>
    public Task MemberRemoved => _memberRemoved.Task;

    private readonly TaskCompletionSource _memberRemoved = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The address actually bound (a configured port 0 is resolved).</summary>
    public Uri Address { get; }

    /// <summary>Every address Kestrel bound (a configured port 0 resolved), first the one of <see cref="Address"/>.</summary>
    public IReadOnlyList<string> BoundAddresses { get; private init; } = [];

    /// <summary>The served certificate's SHA-256 fingerprint; null when TLS is off.</summary>
    public string? CertificateFingerprint { get; }

    public static async Task<SeedServer> StartAsync(SeedOptions options, ILoggerFactory? loggerFactory = null, Action<string>? say = null, CancellationToken ct = default)
    {
        if (options.SeveralMembersRefusal() is { } refusal) throw new ArgumentException(refusal);
        // One of several seed members keeps nothing of its own: any of them may coordinate next and needs it all.
        var dataDir = options.StateDirectory();
        Directory.CreateDirectory(dataDir);
        var registry = options.SeveralMembers() ? new SeedMemberRegistry(dataDir) : null;
        // Held until this member is up and recorded (the end of this method), or its start failed.
        using var starting = registry is null ? null : await SeedStartLock.AcquireAsync(dataDir, say, ct).ConfigureAwait(false);
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

        if (options.Journal.Provider.Trim().Equals("sqlite", StringComparison.OrdinalIgnoreCase) && options.Journal.ConnectionString.Length == 0
            && File.Exists(Path.Combine(dataDir, "journal.db")))
        {
            // The journal Flock kept before it ran on Akka.Persistence.Sql (table event_journal) is not converted.
            say?.Invoke($"warning: {Path.Combine(dataDir, "journal.db")} is the journal of an older Flock and is not read: jobs recorded only there are not resumed");
        }
        ClusterAuthority? authority = null;
        ClusterTransport? transport = null;
        if (options.ClusterTransport)
        {
            (authority, var authorityAt) = ClusterAuthority.LoadOrCreate(dataDir);
            if (authorityAt is not null) say?.Invoke($"created the cluster's certificate authority in {authorityAt}: nodes get certificates from it when they enroll");
            var (bindHost, publicHost) = RemoteHosts(options, urls);
            IReadOnlyList<string> join = [];
            if (registry is not null)
            {
                join = await SeedPeers.JoinAddressesAsync(options, registry, tokens.Admin, certificate, ct).ConfigureAwait(false);
                say?.Invoke(join.Count == 0
                    ? "no other seed member answered: this one forms the cluster and coordinates"
                    : $"joining the seed members at {string.Join(", ", join)}");
            }
            var member = authority.IssueForSeed("seed");
            // A member's first message that arrives while the seed still checks that member's certificate can stay unread
            // until its next bytes, Akka.Remote's transport heartbeat 4 s later (DotNetty 0.7.6's TLS handler,
            // Azure/DotNetty#602; strace of both ends showed a node's Associate read at once and answered 4.1 s later).
            // The first chain check of a process takes 8-22 ms, later ones under 1 ms (measured), so the seed's own
            // certificate is checked here, before any node's. That did not make the race rare: bench/seed-restart still
            // met it in 4 of 8 rejoins. A transport heartbeat every second bounds the wait to one (12 rejoins: 1.8-3.3 s)
            // but costs every member a message a second each way per other member, all the time: Akka's 4 s stays.
            _ = authority.Check(member);
            transport = new ClusterTransport(bindHost, publicHost, options.RemotePort, member, authority.Check, [ClusterTransport.SeedRole],
                JoinAddress: null, StableAfter: options.UnreachableAfter, PublicPort: options.RemotePublicPort > 0 ? options.RemotePublicPort : null,
                SeedNodes: join.Count > 0 ? join : null, RemovalMargin: options.RemovalMargin);
        }
        var clock = TimeProvider.System;
        var metrics = new SeedMetrics();
        var authFailures = new AuthFailures(options.AuthFailureLimit, clock);
        var seed = new SeedContext(options, dataDir, metrics, clock, key, authFailures, transport);
        Directory.CreateDirectory(seed.JobsDirectory);

        var builder = FlockWebHost.CreateSlimBuilder();
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
            builder.Logging.AddFilter("Yarp", LogLevel.Error);
        }
        builder.Services.AddAkka(AkkaConfiguration.SystemName, akka => akka.ConfigureFlock(seed).WithAkkaSection(options.AkkaSection));
        if (registry is not null) builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var logs = app.Services.GetRequiredService<ILoggerFactory>();
        if (registry is not null && transport is not null)
            StandbyForwarding.Use(app, () => Akka.Cluster.Cluster.Get(app.Services.GetRequiredService<ActorSystem>()), registry, certificate, tokens.Admin, logs.CreateLogger("flock.seed.standby"));

        var runtime = new SeedRuntime(options, key, app.Services.GetRequiredService<IRequiredActor<JobsActor>>(), app.Services.GetRequiredService<IRequiredActor<ClusterActor>>(),
            dataDir, metrics, tokens, authFailures, authority,
            transport is null ? null : () => Akka.Cluster.Cluster.Get(app.Services.GetRequiredService<ActorSystem>()).SelfAddress.ToString());

        app.MapGet("/healthz", () => "ok");
        JobEndpoints.Map(app, runtime);
        EnrollmentEndpoints.Map(app, runtime, logs);
        MetricsEndpoints.Map(app, runtime);
        DashboardEndpoints.Map(app, runtime);

        await app.StartAsync(ct).ConfigureAwait(false);
        IReadOnlyList<string> addresses = [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];
        var bound = addresses.FirstOrDefault() ?? urls;
        // The embedded cluster of `flock encode` (no `say`) is loopback-only by construction and stays quiet.
        if (!options.Tls && say is not null)
            say($"warning: TLS is off (flock.seed.tls = off): tokens and video travel in clear on {bound}; only do this on a trusted network");
        if (transport is not null) say?.Invoke($"cluster member {runtime.MemberAddress()} (Akka.Remote, mutual TLS with the cluster's certificates)");
        var server = new SeedServer(app, runtime, new Uri(bound), certificate is null ? null : Flock.Messages.Security.CertificateFingerprint.Of(certificate))
        {
            BoundAddresses = addresses.Count > 0 ? addresses : [bound],
        };
        if (transport is not null) Akka.Cluster.Cluster.Get(server.System).RegisterOnMemberRemoved(() => server._memberRemoved.TrySetResult());
        if (registry is not null && transport is not null)
        {
            // Recorded only once up: a member started next asks this one for the `seed` members that are up.
            await MemberUpAsync(server.System, ct).ConfigureAwait(false);
            var self = runtime.MemberAddress()!;
            registry.Record(self, WebAddressOf(new Uri(bound), transport.PublicHost));
            server._forget = () => registry.Forget(self);
        }
        return server;
    }

    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    private static async Task MemberUpAsync(ActorSystem system, CancellationToken ct)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        try { await up.Task.WaitAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false); }
        catch (TimeoutException) { throw new IOException("this seed member was not up in the cluster within 60 s of starting"); }
    }

    private Action? _forget;

    /// <summary>The web address other seed members forward to: a wildcard bind is reached by the member's public host.</summary>
    private static Uri WebAddressOf(Uri bound, string publicHost) =>
        IsWildcard(bound.Host) ? new UriBuilder(bound) { Host = publicHost }.Uri : bound;

    /// <summary>A host in `urls` that means every interface: no one can dial it.</summary>
    public static bool IsWildcard(string host) => host is "0.0.0.0" or "[::]" or "::" or "+" or "*";

    public async ValueTask DisposeAsync()
    {
        _forget?.Invoke();
        // Stops Kestrel, then the ActorSystem (Akka.Hosting runs its coordinated shutdown as the host stops).
        await _app.StopAsync().ConfigureAwait(false);
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

    /// <summary>
    /// Where Akka.Remote listens and the host in the seed's Akka address: the configured remote-host, else the host in
    /// the first of `urls` (this machine's name when that listens on every interface).
    /// </summary>
    internal static (string Bind, string Public) RemoteHosts(SeedOptions options, string urls)
    {
        var first = urls.Split(';')[0];
        var host = Uri.TryCreate(first.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var u)
            ? u.Host.Trim('[', ']') : "0.0.0.0";
        var wildcard = host is "0.0.0.0" or "::";
        var publicHost = options.RemoteHost.Length > 0 ? options.RemoteHost : wildcard ? global::System.Net.Dns.GetHostName() : host == "localhost" ? "127.0.0.1" : host;
        return (wildcard || options.RemoteHost.Length > 0 ? "0.0.0.0" : publicHost, publicHost);
    }

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.IsLoopback || u.Host is "127.0.0.1" or "[::1]" or "localhost");
}
