using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json;
using Flock.Messages.Jobs;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// A seed with short failure-detection settings, a <see cref="TcpProxy"/> in front of it for nodes that should suffer
/// a bad network, and the checks every fault test ends with: the job completed, each chunk counted once, the output exact.
/// </summary>
public sealed partial class FaultRig : IAsyncDisposable
{
    /// <summary>Detection in 3 s instead of the default 10 s keeps the suite fast; the mechanism is the same.</summary>
    public const string SeedConfig = """
        flock.seed {
          heartbeat-interval = 500ms
          unreachable-after = 3s
          orphan-grace = 6s
        }
        """;

    public const string NodeConfig = """
        flock.node {
          heartbeat-interval = 500ms
          seed-unreachable-after = 3s
          reconnect-min = 200ms
          reconnect-max = 1s
          benchmark-seconds = 0.5
          threads = 1
        }
        """;

    public static readonly string[] Options = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-threads", "1"];

    private readonly string _seedConfig;

    private FaultRig(TestCluster cluster, TcpProxy proxy, IsolatedNetwork? network, string seedConfig)
    {
        Cluster = cluster;
        Proxy = proxy;
        Network = network;
        _seedConfig = seedConfig;
    }

    public TestCluster Cluster { get; }

    public TcpProxy Proxy { get; }

    /// <summary>The network of <see cref="IsolatedNodeAsync"/>'s node, when the rig was started with one.</summary>
    public IsolatedNetwork? Network { get; }

    /// <param name="isolatedNode">
    /// Make a network of its own for one node (<see cref="IsolatedNodeAsync"/>), to cut it off entirely: the seed then
    /// also listens, and announces its cluster member, at that network's host end, which every member can reach.
    /// </param>
    public static async Task<FaultRig> StartAsync(bool isolatedNode = false)
    {
        // Plain HTTP (tls = off, as on a trusted network): the proxy must read request lines to find and damage an upload.
        // TLS itself is covered by the security suite; the recovery paths are the same either way.
        var cluster = new TestCluster(tls: false);
        var network = isolatedNode ? await IsolatedNetwork.CreateAsync() : null;
        var seedConfig = SeedConfig;
        if (network is not null)
        {
            cluster.AlsoListenOn = network.HostAddress;
            seedConfig += $"\nflock.seed.remote-host = \"{network.HostAddress}\"\n";
        }
        await cluster.StartSeedAsync(config: seedConfig);
        return new FaultRig(cluster, new TcpProxy(cluster.Port), network, seedConfig);
    }

    public Task<FlockProcess> RestartSeedAsync() => Cluster.StartSeedAsync(config: _seedConfig);

    /// <summary>A node that reaches the seed through the proxy (<paramref name="viaProxy"/>) or directly.</summary>
    public Task<FlockProcess> NodeAsync(string name, bool viaProxy, string extraConfig = "") =>
        Cluster.StartNodeAsync(name, seed: viaProxy ? Proxy.Address : null, config: NodeConfig + "\n" + extraConfig);

    /// <summary>A node in the rig's own network (<see cref="Network"/>), which <see cref="IsolatedNetwork.CutAsync"/> cuts off from everything.</summary>
    public Task<FlockProcess> IsolatedNodeAsync(string name, IReadOnlyDictionary<string, string>? env = null) =>
        Cluster.StartNodeAsync(name, env: env, config: NodeConfig,
            network: Network ?? throw new InvalidOperationException("start the rig with isolatedNode: true"));

    /// <summary>8 s of 320x240 with AAC: about 100 KB per second of source, so a throttled link takes seconds per chunk.</summary>
    public async Task<string> ClipAsync(double seconds = 8)
    {
        var path = Cluster.Scratch.File("fault-source.mp4");
        var d = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", $"testsrc2=s=320x240:r=25:d={d}", "-f", "lavfi", "-i", $"sine=d={d}",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "2", "-c:a", "aac", "-shortest", path]);
        return path;
    }

    public Task<string> SubmitAsync(string source, double chunkSeconds = 1) =>
        Cluster.SubmitDetachedAsync(source, Cluster.Scratch.File("out.mp4"), chunkSeconds, Options);

    public static IEnumerable<JsonElement> Chunks(JsonElement job) => job.GetProperty("chunks").EnumerateArray();

    public static JsonElement Chunk(JsonElement job, int index) => job.GetProperty("chunks")[index];

    /// <summary>Polls until the predicate holds, returning the time it took from <paramref name="since"/>.</summary>
    public async Task<(JsonElement Job, TimeSpan Elapsed)> WaitForAsync(string id, Stopwatch since, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null)
    {
        var elapsed = TimeSpan.Zero;
        var job = await Cluster.WaitForJobAsync(id, j =>
        {
            elapsed = since.Elapsed;
            if (condition(j)) return true;
            if (JobStates.IsFinal(j.GetProperty("state").GetString()!)) Assert.Fail($"job ended before {what}: {j}\nseed:\n{Cluster.Seed?.Output}");
            return false;
        }, timeout ?? TimeSpan.FromMinutes(2), what);
        return (job, elapsed);
    }

    /// <summary>
    /// The job completed, every chunk is done once with its planned frames (so no result was counted twice), and the
    /// fetched output matches a single-machine encode.
    /// </summary>
    public async Task<JsonElement> AssertCompletedExactlyAsync(string id, string source, params FlockProcess[] logs)
    {
        var wait = await Cluster.PbmAsync("job", "wait", id);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr + "\nseed:\n" + Cluster.Seed!.Output + string.Concat(logs.Select(l => "\nnode:\n" + l.Output)));
        var job = await Cluster.JobAsync(id);
        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.All(Chunks(job), c => Assert.Equal("done", c.GetProperty("state").GetString()));
        Assert.Equal(job.GetProperty("totalFrames").GetInt32(), Chunks(job).Sum(c => c.GetProperty("frames").GetInt32()));
        Assert.Equal(job.GetProperty("totalFrames").GetInt32(), job.GetProperty("encodedFrames").GetInt32());
        var output = Cluster.Scratch.File("fetched.mp4");
        var fetch = await Cluster.PbmAsync("job", "fetch", id, output);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        var reference = await ReferenceEncode.EncodeAsync(source, Cluster.Scratch.File("reference.mp4"), Options);
        await MediaComparer.AssertEquivalentAsync(reference, output);
        return job;
    }

    /// <summary>The chunk and attempt of an upload the proxy saw, from its request line.</summary>
    public static (int Index, int Attempt) UploadOf(ProxyConnection upload)
    {
        var put = UploadLine().Match(upload.PutLine ?? "");
        Assert.True(put.Success, $"not a chunk upload: {upload.PutLine}");
        return (int.Parse(put.Groups["index"].Value, CultureInfo.InvariantCulture), int.Parse(put.Groups["attempt"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^PUT /api/jobs/[^/]+/chunks/(?<index>\d+)/result\?attempt=(?<attempt>\d+)")]
    private static partial Regex UploadLine();

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        Cluster.Dispose();
        if (Network is not null) await Network.DisposeAsync();
    }
}
