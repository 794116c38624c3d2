using System.Text.Json;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>A seed and nodes as separate `flock` processes on 127.0.0.1, driven through pbm as a user would.</summary>
public sealed class TestCluster : IDisposable
{
    private readonly List<FlockProcess> _processes = [];

    public TestCluster(string key = "test-cluster-key")
    {
        Key = key;
        Port = FlockProcess.FreePort();
        Scratch = ScratchDirectory.Create("flock-cluster");
    }

    public string Key { get; }

    public int Port { get; }

    public ScratchDirectory Scratch { get; }

    public string DataDir => Scratch.File("seed-data");

    public FlockProcess? Seed { get; private set; }

    /// <param name="config">HOCON merged over seed.conf, e.g. short heartbeat settings for a fault test.</param>
    public async Task<FlockProcess> StartSeedAsync(IReadOnlyList<string>? extraArgs = null, string adminToken = "", string? config = null, IReadOnlyDictionary<string, string>? env = null)
    {
        string[] configArgs = config is null ? [] : ["--config", WriteConfig("seed", config)];
        var environment = new Dictionary<string, string>(env ?? new Dictionary<string, string>()) { ["FLOCK_CLUSTER_KEY"] = Key, ["FLOCK_TOKEN"] = adminToken };
        Seed = Track(FlockProcess.Start(["seed", "--urls", $"http://127.0.0.1:{Port}", "--data", DataDir, .. extraArgs ?? [], .. configArgs], environment));
        await Seed.WaitForOutputAsync("seed listening on", TimeSpan.FromSeconds(30));
        return Seed;
    }

    /// <param name="seed">Where the node finds the seed: a <see cref="TcpProxy"/> address to put a bad network in between.</param>
    /// <param name="config">HOCON merged over node.conf.</param>
    public async Task<FlockProcess> StartNodeAsync(string name, string? key = null, bool waitForJoin = true, IReadOnlyDictionary<string, string>? env = null,
        string? seed = null, string? config = null)
    {
        var environment = new Dictionary<string, string>(env ?? new Dictionary<string, string>()) { ["FLOCK_CLUSTER_KEY"] = key ?? Key };
        // Each node its own work dir: the default (temp/flock-node-NAME) would be shared by same-named nodes of parallel tests.
        var workDir = Scratch.File($"work-{name}").Replace("\\", "/", StringComparison.Ordinal);
        string[] extra = ["--config", WriteConfig($"node-{name}", $"flock.node.work-dir = \"{workDir}\"\n{config}")];
        var node = Track(FlockProcess.Start(["node", "--seed", seed ?? $"127.0.0.1:{Port}", "--name", name, .. extra], environment));
        if (waitForJoin) await node.WaitForOutputAsync("joined the seed", TimeSpan.FromSeconds(30));
        return node;
    }

    public Task<(int ExitCode, string Stdout, string Stderr)> PbmAsync(params string[] args) =>
        FlockProcess.RunAsync(["pbm", $"127.0.0.1:{Port}", .. args], TimeSpan.FromMinutes(4));

    /// <summary>The `cluster show --json` entry of one node.</summary>
    public async Task<JsonElement> NodeAsync(string name)
    {
        var show = await PbmAsync("cluster", "show", "--json");
        Assert.True(show.ExitCode == 0, show.Stderr);
        return JsonDocument.Parse(show.Stdout).RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name).Clone();
    }

    public async Task<JsonElement> JobAsync(string id)
    {
        var show = await PbmAsync("job", "show", id, "--json");
        Assert.True(show.ExitCode == 0, show.Stderr);
        return JsonDocument.Parse(show.Stdout).RootElement.Clone();
    }

    /// <summary>Polls the job until the condition holds (or fails the test after the timeout).</summary>
    public async Task<JsonElement> WaitForJobAsync(string id, Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await JobAsync(id);
            if (condition(job)) return job;
            if (DateTime.UtcNow > until) Assert.Fail($"timed out waiting for {what}: {job}");
            await Task.Delay(200);
        }
    }

    public async Task<string> SubmitDetachedAsync(string input, string output, double chunkSeconds, params string[] options)
    {
        var submit = await PbmAsync(["job", "submit", input, output, "--chunk-seconds", chunkSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--detach", "--", .. options]);
        Assert.True(submit.ExitCode == 0, submit.Stderr);
        return submit.Stdout.Trim();
    }

    private string WriteConfig(string name, string hocon)
    {
        var path = Scratch.File($"{name}.conf");
        File.WriteAllText(path, hocon);
        return path;
    }

    private FlockProcess Track(FlockProcess p)
    {
        _processes.Add(p);
        return p;
    }

    public void Dispose()
    {
        foreach (var p in _processes) p.Dispose();
        Scratch.Dispose();
    }
}
