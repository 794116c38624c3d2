using System.Security.Cryptography;
using Akka.Actor;
using Flock.Messages.Jobs;
using Flock.Node;
using Flock.Node.Connection;
using Flock.Node.Options;
using Flock.Seed;
using Flock.Seed.Api;
using Flock.Seed.Jobs;
using Flock.Seed.Options;
using Flock.Seed.Security;
using Microsoft.Extensions.Logging;

namespace Flock.Cli.Hosting;

/// <summary>
/// A seed with SQLite in a temporary data dir and N local nodes in this process, talking over 127.0.0.1 exactly as
/// a real cluster does (a control session per node at the seed's node gateway, HTTP chunk bytes): what `flock encode`
/// and `flock demo` run on. The nodes' encoder actors live in the seed's own <c>flock</c> ActorSystem, built by the
/// same configuration, and reach the gateway as a local actor.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly SeedServer _seed;
    private readonly CancellationTokenSource _nodesStop = new();
    private readonly List<Task<string?>> _nodes = [];
    private readonly string _dataDir;

    private EmbeddedCluster(SeedServer seed, string dataDir)
    {
        _seed = seed;
        _dataDir = dataDir;
    }

    public int NodeCount => _nodes.Count;

    /// <param name="nodes">local nodes, in this process.</param>
    /// <param name="remoteNodes">nodes in other processes will join (the demo's pinned ones): the seed runs its cluster
    /// transport on a free loopback port, since their control links reach it over Akka.Remote.</param>
    public static async Task<EmbeddedCluster> StartAsync(int nodes, ILoggerFactory logs, CancellationToken ct, string hdr = "warn", bool remoteNodes = false)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var dataDir = Path.Combine(Path.GetTempPath(), $"flock-{Guid.NewGuid():N}");
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var seed = await SeedServer.StartAsync(new SeedOptions { Urls = "http://127.0.0.1:0", Tls = false, AdminToken = ApiTokens.NewToken(), DataDir = dataDir, ClusterKey = key, ClusterTransport = remoteNodes, RemotePort = 0, Hdr = hdr }, logs, null, ct);
        var cluster = new EmbeddedCluster(seed, dataDir);
        // Local nodes share this machine's cores: each encoder gets its share instead of all of them.
        var threads = Math.Max(1, Environment.ProcessorCount / Math.Max(1, nodes));
        // In the seed's own system: their control links reach the node gateway as a local actor.
        var route = ControlRoute.Local(seed.System);
        for (var i = 1; i <= nodes; i++)
        {
            var options = new NodeOptions
            {
                Seed = seed.Address.ToString(),
                ClusterKey = key,
                Threads = threads,
                // Alike by construction (one machine, an equal share of its cores): no benchmark, equal power.
                BenchmarkSeconds = 0,
                WorkDir = Path.Combine(dataDir, $"node-{i}"),
                ReconnectMin = TimeSpan.FromMilliseconds(200),
            };
            cluster._nodes.Add(NodeAgent.RunAsync(seed.System, route, options, $"local-{i}", logs, cluster._nodesStop.Token));
        }
        logs.CreateLogger("Flock.Cli.Hosting.EmbeddedCluster").LogInformation("embedded cluster up in {Milliseconds} ms: a seed and {Nodes} local node(s)",
            started.ElapsedMilliseconds, nodes);
        return cluster;
    }

    public SeedRuntime Seed => _seed.Runtime;

    /// <summary>Where nodes outside this process (the demo's pinned ones) join: plain HTTP on 127.0.0.1.</summary>
    public Uri Address => _seed.Address;

    /// <summary>What a submit to the embedded cluster checks first; needs no cluster, so it can run while one starts.</summary>
    public static Task ValidateAsync(string input, string output, IReadOnlyList<string> options, double chunkSeconds, string hdr, CancellationToken ct) =>
        SubmissionValidator.ValidateAsync(input, output, options, chunkSeconds, ct, hdrStrict: new SeedOptions { Hdr = hdr }.HdrStrict());

    /// <summary>Validates and submits a job whose input and output are on this machine.</summary>
    public async Task<string> SubmitAsync(string input, string output, IReadOnlyList<string> options, double chunkSeconds, CancellationToken ct)
    {
        await ValidateAsync(input, output, options, chunkSeconds, Seed.Options.Hdr, ct);
        return await SubmitValidatedAsync(input, output, options, chunkSeconds);
    }

    /// <summary>Submits a job <see cref="ValidateAsync"/> has passed.</summary>
    public async Task<string> SubmitValidatedAsync(string input, string output, IReadOnlyList<string> options, double chunkSeconds)
    {
        var response = await Seed.Jobs.Ask<SubmitJobResponse>(
            new SubmitJob(input, Path.GetFileName(input), output, output, options, chunkSeconds, 0, InputIsOwned: false, output), TimeSpan.FromSeconds(30));
        return response.Id;
    }

    /// <summary>Polls until the job is final, reporting every poll (elapsed time and ETA move even when frames do not).</summary>
    public async Task<JobResponse> WaitAsync(string id, Action<JobResponse> onPoll, CancellationToken ct)
    {
        while (true)
        {
            var job = await Seed.Jobs.Ask<JobResponse>(new FetchJob(id), TimeSpan.FromSeconds(30));
            onPoll(job);
            if (JobStates.IsFinal(job.State)) return job;
            foreach (var node in _nodes.Where(n => n.IsCompleted))
            {
                var error = await node;
                if (error is not null) throw new InvalidOperationException($"a local node stopped: {error}");
            }
            await Task.Delay(250, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _nodesStop.CancelAsync();
        try { await Task.WhenAll(_nodes).WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
        await _seed.DisposeAsync();
        _nodesStop.Dispose();
        try { Directory.Delete(_dataDir, recursive: true); }
        catch (IOException) { }
    }
}
