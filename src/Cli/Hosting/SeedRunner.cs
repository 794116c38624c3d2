using Flock.Configuration;
using Flock.Media.Processes;
using Flock.Messages.Cluster;
using Flock.Node;
using Flock.Node.Options;
using Flock.Seed;
using Flock.Seed.Options;
using Flock.Seed.Security;
using Microsoft.Extensions.Logging;

namespace Flock.Cli.Hosting;

/// <summary>`flock seed`: the seed as a long-running service.</summary>
public static class SeedRunner
{
    public static async Task<int> RunAsync(string? configFile, string? urls, string? dataDir, string? logFormat, CancellationToken ct, string[]? peers = null)
    {
        SeedOptions options;
        try
        {
            options = SeedConfiguration.Load(configFile);
            if (options.ClusterKeyFile.Length > 0) options.ClusterKey = ClusterKeyFile.Read(options.ClusterKeyFile);
        }
        catch (Exception e) when (e is ConfigException or IOException)
        {
            Console.Error.WriteLine($"error: configuration: {e.Message}");
            return 1;
        }
        if (urls is not null) options.Urls = urls;
        if (dataDir is not null) options.DataDir = dataDir;
        if (peers is { Length: > 0 }) options.Peers = [.. options.Peers, .. peers];
        using var logs = ConsoleLogging.CreateOrReport(logFormat ?? options.LogFormat);
        if (logs is null) return 1;
        // A flock killed with SIGKILL on a machine without setpriv left its ffmpeg encoding for nobody. Reading /proc
        // costs 30-100 ms cold, which start-up need not wait for.
        _ = Task.Run(() =>
        {
            if (ChildProcesses.SweepOrphans() is > 0 and var swept) Console.Error.WriteLine($"killed {swept} ffmpeg process(es) that a killed flock had left running");
        }, CancellationToken.None);
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        for (var incarnation = 1; ; incarnation++)
        {
            SeedServer server;
            try
            {
                server = await SeedServer.StartAsync(options, logs, line => Console.Error.WriteLine(line), ct);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
            {
                if (incarnation == 1 || ct.IsCancellationRequested)
                {
                    Console.Error.WriteLine($"error: cannot start the seed: {e.Message}");
                    return 1;
                }
                // Its ports may still be held a moment by the member just stopped.
                Console.Error.WriteLine($"cannot start the seed's fresh member: {e.Message}; trying again in {backoff.Next.TotalSeconds:0} s");
                await backoff.WaitAsync(ct);
                continue;
            }
            var started = DateTime.UtcNow;
            var outcome = await ServeAsync(server, options, logs, incarnation, ct);
            if (outcome != Outcome.Downed) return outcome == Outcome.Stopped ? 0 : 1;
            // A member that served a while was downed once, not in a loop: the next start need not wait long.
            if (DateTime.UtcNow - started > TimeSpan.FromMinutes(5)) backoff.Reset();
            await backoff.WaitAsync(ct);
            if (ct.IsCancellationRequested) return 0;
        }
    }

    private enum Outcome { Stopped, Downed, Failed }

    /// <summary>Serves until stopped (Ctrl+C, SIGTERM) or until the cluster removes this seed's member.</summary>
    private static async Task<Outcome> ServeAsync(SeedServer server, SeedOptions options, ILoggerFactory logs, int incarnation, CancellationToken ct)
    {
        await using (server)
        {
            if (incarnation == 1)
            {
                Console.Error.WriteLine($"seed listening on {server.Address}, data in {server.Runtime.DataDir}");
                Console.Error.WriteLine(DashboardLine(server.Address, server.CertificateFingerprint, selfSigned: options.TlsCertificate.Length == 0));
            }
            else Console.Error.WriteLine($"seed listening on {server.Address} again, as a fresh cluster member");
            // The local node belongs to this member's ActorSystem and ends with it.
            using var localStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task<string?>? localNode = null;
            if (options.LocalNode)
            {
                try
                {
                    localNode = StartLocalNode(options, server, logs, localStop.Token);
                }
                catch (Exception e) when (e is ConfigException or IOException or ArgumentException)
                {
                    Console.Error.WriteLine($"error: cannot start the local node: {e.Message}");
                    return Outcome.Failed;
                }
            }

            try { await Task.WhenAny(Task.Delay(Timeout.Infinite, ct), server.MemberRemoved).Unwrap(); }
            catch (OperationCanceledException) { }
            var downed = server.MemberRemoved.IsCompleted && !ct.IsCancellationRequested;
            if (downed && options.SeveralMembers())
            {
                // Another seed member coordinates now. A fresh member started here while still cut off from them would
                // find none answering and form a cluster of its own beside theirs: its service starts it once it can
                // reach them again (README, Several seed members).
                Console.Error.WriteLine("error: the seed's own cluster member was removed from the cluster (downed): stopping so its service starts it again; every job resumes from the journal");
                return Outcome.Failed;
            }
            if (downed)
            {
                // Akka downs a member that some others found unreachable while it still gossiped through the rest (the
                // Split Brain Resolver's indirectly connected members: a starved or flaky link), the seed included. A
                // member joins a cluster once, so the process starts a fresh one: jobs resume from the journal, nodes
                // enroll again and hand in what they finished meanwhile.
                Console.Error.WriteLine("the seed's own cluster member was downed by the cluster: starting a fresh member; every job resumes from the journal");
                localStop.Cancel();
                if (localNode is not null) await Task.WhenAny(localNode, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
                // The same web address again: nodes and pbm know this seed by it (a configured port 0 was resolved).
                options.Urls = string.Join(';', server.BoundAddresses);
                return Outcome.Downed;
            }
            if (localNode is not null)
            {
                // The node leaves first (finishing its chunk), while the seed can still take its result.
                Console.Error.WriteLine("local node leaving");
                var error = await localNode;
                if (error is not null) Console.Error.WriteLine($"local node: {error}");
            }
            Console.Error.WriteLine("seed stopping");
        }
        return Outcome.Stopped;
    }

    /// <summary>
    /// Where a browser finds the dashboard (a wildcard bind is shown as this host's name, which the self-signed
    /// certificate carries), and what it will say about a self-signed certificate: the fingerprint as browsers print
    /// it (upper-case hex pairs), to compare in the warning page's certificate viewer.
    /// </summary>
    public static string DashboardLine(Uri address, string? fingerprint, bool selfSigned)
    {
        var url = new UriBuilder(address) { Path = "/" };
        if (SeedServer.IsWildcard(url.Host)) url.Host = Environment.MachineName.ToLowerInvariant();
        var line = $"dashboard {url.Uri}";
        if (fingerprint is null || !selfSigned) return line;
        var hex = fingerprint[Flock.Messages.Security.CertificateFingerprint.Prefix.Length..].ToUpperInvariant();
        var pairs = string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));
        return $"{line} (self-signed certificate: a browser warns until you trust it; its SHA-256 fingerprint is {pairs})";
    }

    /// <summary>
    /// `local-node = on`: an encoder node in this process, proving the key to this seed's gateway as a local actor; its
    /// chunk bytes go over loopback HTTP as any node's.
    /// </summary>
    private static Task<string?> StartLocalNode(SeedOptions seedOptions, SeedServer server, ILoggerFactory logs, CancellationToken ct)
    {
        var node = NodeConfiguration.Load(null);
        var address = new UriBuilder(server.Address);
        if (SeedServer.IsWildcard(address.Host)) address.Host = "127.0.0.1";
        node.Seed = address.Uri.ToString();
        node.ClusterKey = seedOptions.ClusterKey is { Length: > 0 } configured
            ? configured
            : File.ReadAllText(Path.Combine(server.Runtime.DataDir, "cluster.key")).Trim();
        // The node trusts exactly this process's certificate, pinned in the seed's own data dir, not the user's home.
        node.KnownSeeds = Path.Combine(server.Runtime.DataDir, "local-node.known_seeds");
        node.AcceptFingerprint = server.CertificateFingerprint ?? "";
        var name = NodeAgent.DefaultName(node.Name);
        Console.Error.WriteLine($"local node {name} joining {node.Seed}");
        return Task.Run(() => NodeAgent.RunAsync(server.System, Flock.Node.Connection.ControlRoute.Local(server.System), node, name, logs, ct), CancellationToken.None);
    }

    /// <summary>`flock seed token create --read-only`: prints the new token on stdout, where it was kept on stderr.</summary>
    public static int CreateToken(string? configFile, string? dataDir, bool readOnly)
    {
        if (!readOnly)
        {
            Console.Error.WriteLine("error: only read-only tokens are created here (--read-only); the admin token is flock.seed.admin-token, FLOCK_TOKEN or <data-dir>/admin.token");
            return 2;
        }
        try
        {
            var dir = Path.GetFullPath(dataDir ?? SeedConfiguration.Load(configFile).DataDir);
            Console.WriteLine(ApiTokens.CreateReadOnly(dir));
            Console.Error.WriteLine($"added a read-only token to {Path.Combine(dir, ApiTokens.ReadOnlyFileName)}");
            return 0;
        }
        catch (Exception e) when (e is ConfigException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
