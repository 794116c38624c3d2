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

    private FaultRig(TestCluster cluster, IsolatedNetwork? network, string seedConfig)
    {
        Cluster = cluster;
        Network = network;
        _seedConfig = seedConfig;
    }

    public TestCluster Cluster { get; }

    /// <summary>The network of <see cref="IsolatedNodeAsync"/>'s node, when the rig was started with one.</summary>
    public IsolatedNetwork? Network { get; }

    /// <param name="isolatedNode">
    /// Make a network of its own for one node (<see cref="IsolatedNodeAsync"/>), to cut it off entirely: the seed then
    /// also listens, and announces its cluster member, at that network's host end, which every member can reach.
    /// </param>
    /// <param name="seedConfig">HOCON added to the rig's seed configuration, on every start of the seed.</param>
    public static async Task<FaultRig> StartAsync(bool isolatedNode = false, string seedConfig = "")
    {
        // Plain HTTP on the web side (tls = off, as on a trusted network): TLS there is covered by the security suite, and
        // chunk bytes travel over the cluster transport either way.
        var cluster = new TestCluster(tls: false);
        var network = isolatedNode ? await IsolatedNetwork.CreateAsync() : null;
        var config = SeedConfig + "\n" + seedConfig;
        if (network is not null)
        {
            cluster.AlsoListenOn = network.HostAddress;
            config += $"\nflock.seed.remote-host = \"{network.HostAddress}\"\n";
        }
        await cluster.StartSeedAsync(config: config);
        return new FaultRig(cluster, network, config);
    }

    public Task<FlockProcess> RestartSeedAsync() => Cluster.StartSeedAsync(config: _seedConfig);

    /// <summary>A node on the seed's own network (loopback).</summary>
    public Task<FlockProcess> NodeAsync(string name, string extraConfig = "", IReadOnlyDictionary<string, string>? env = null) =>
        Cluster.StartNodeAsync(name, env: env, config: NodeConfig + "\n" + extraConfig);

    /// <summary>A node in the rig's own network (<see cref="Network"/>), which <see cref="IsolatedNetwork.CutAsync"/> cuts off from everything.</summary>
    public Task<FlockProcess> IsolatedNodeAsync(string name, IReadOnlyDictionary<string, string>? env = null) =>
        Cluster.StartNodeAsync(name, env: env, config: NodeConfig,
            network: Network ?? throw new InvalidOperationException("start the rig with isolatedNode: true"));

    /// <summary>8 s of 320x240 with AAC: about 100 KB per second of source, so a throttled link takes seconds per chunk.</summary>
    public Task<string> ClipAsync(double seconds = 8) => GenerateAsync("fault-source.mp4", d => $"testsrc2=s=320x240:r=25:d={d}", seconds);

    /// <summary>
    /// 6 s of 640x360 noise with AAC: about 2.8 MB per second of source and 2.7 MB per second of result, so on a link of
    /// 1 MiB/s each chunk's source and result take seconds while the little a stream keeps in flight (512 KiB) still
    /// lets the cluster's heartbeats through in half a second.
    /// </summary>
    public Task<string> BulkyClipAsync(double seconds = 6) =>
        GenerateAsync("bulky-source.mp4", d => $"nullsrc=s=640x360:r=25:d={d},geq=lum='random(1)*255':cb=128:cr=128", seconds);

    private async Task<string> GenerateAsync(string name, Func<string, string> video, double seconds)
    {
        var path = Cluster.Scratch.File(name);
        var d = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", video(d), "-f", "lavfi", "-i", $"sine=d={d}",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "2", "-c:a", "aac", "-shortest", path]);
        return path;
    }

    public Task<string> SubmitAsync(string source, double chunkSeconds = 1) =>
        Cluster.SubmitDetachedAsync(source, Cluster.Scratch.File("out.mp4"), chunkSeconds, Options);

    public static IEnumerable<JsonElement> Chunks(JsonElement job) => job.GetProperty("chunks").EnumerateArray();

    public static JsonElement Chunk(JsonElement job, int index) => job.GetProperty("chunks")[index];

    /// <summary>The completed job as pbm fetches it equals a single-machine encode of its source with <see cref="Options"/>.</summary>
    public static async Task AssertFetchedEqualsReferenceAsync(TestCluster cluster, string id, string source)
    {
        var output = cluster.Scratch.File("fetched.mp4");
        Assert.Equal(0, (await cluster.PbmAsync("job", "fetch", id, output)).ExitCode);
        await MediaComparer.AssertEquivalentAsync(await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), Options), output);
    }

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

    /// <summary>A chunk result part of which the seed holds: what a node sent of it so far, written through to the seed's disk.</summary>
    public sealed record PartialUpload(int Index, int Attempt, long Bytes);

    /// <summary>Where the seed keeps what it received of a result until the whole of it is in and checked.</summary>
    public static string PartialUploadFile(string dataDir, string id, int index, int attempt) =>
        Path.Combine(dataDir, "jobs", id, "chunks", string.Create(CultureInfo.InvariantCulture, $"{index:D6}.attempt{attempt}.part"));

    /// <summary>The results of a job the seed holds part of now, as its disk shows them.</summary>
    public IReadOnlyList<PartialUpload> PartialUploads(string id)
    {
        var dir = Path.Combine(Cluster.DataDir, "jobs", id, "chunks");
        if (!Directory.Exists(dir)) return [];
        var found = new List<PartialUpload>();
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            if (PartialName().Match(Path.GetFileName(file)) is not { Success: true } m) continue;
            long bytes;
            try { bytes = new FileInfo(file).Length; }
            catch (FileNotFoundException) { continue; }
            found.Add(new PartialUpload(int.Parse(m.Groups["index"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["attempt"].Value, CultureInfo.InvariantCulture), bytes));
        }
        return found;
    }

    /// <summary>Waits until the seed holds at least <paramref name="atLeast"/> bytes of some result of the job; the least advanced such.</summary>
    public async Task<PartialUpload> UntilPartialUploadAsync(string id, long atLeast)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (PartialUploads(id).Where(p => p.Bytes >= atLeast).MinBy(p => p.Bytes) is { } partial) return partial;
            Assert.True(DateTime.UtcNow < until, $"the seed never held {atLeast} bytes of a result of job {id}\nseed:\n{Cluster.Seed?.Output}");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"^(?<index>\d{6})\.attempt(?<attempt>\d+)\.part$")]
    private static partial Regex PartialName();

    public async ValueTask DisposeAsync()
    {
        Cluster.Dispose();
        if (Network is not null) await Network.DisposeAsync();
    }
}
