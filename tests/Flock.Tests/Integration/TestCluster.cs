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

    /// <param name="config">HOCON merged over the seed's defaults (written to a file and passed as --config).</param>
    public async Task<FlockProcess> StartSeedAsync(IReadOnlyList<string>? extraArgs = null, string adminToken = "", string? config = null)
    {
        var extra = new List<string>(extraArgs ?? []);
        if (config is not null)
        {
            var file = Scratch.File("seed-test.conf");
            await File.WriteAllTextAsync(file, config);
            extra.AddRange(["--config", file]);
        }
        Seed = Track(FlockProcess.Start(["seed", "--urls", $"http://127.0.0.1:{Port}", "--data", DataDir, .. extra],
            new Dictionary<string, string> { ["FLOCK_CLUSTER_KEY"] = Key, ["FLOCK_TOKEN"] = adminToken }));
        await Seed.WaitForOutputAsync("seed listening on", TimeSpan.FromSeconds(30));
        return Seed;
    }

    public async Task<FlockProcess> StartNodeAsync(string name, string? key = null, bool waitForJoin = true, IReadOnlyDictionary<string, string>? env = null, string? config = null)
    {
        var environment = new Dictionary<string, string>(env ?? new Dictionary<string, string>()) { ["FLOCK_CLUSTER_KEY"] = key ?? Key };
        string[] extra = [];
        if (config is not null)
        {
            var file = Scratch.File($"node-{name}.conf");
            await File.WriteAllTextAsync(file, config);
            extra = ["--config", file];
        }
        var node = Track(FlockProcess.Start(["node", "--seed", $"127.0.0.1:{Port}", "--name", name, .. extra], environment));
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

    /// <summary>Writes an executable sh script to the scratch folder (an ffmpeg wrapper for FLOCK_FFMPEG, say).</summary>
    public async Task<string> ScriptAsync(string name, string body)
    {
        var path = Scratch.File(name);
        await File.WriteAllTextAsync(path, "#!/bin/sh\n" + body);
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Ids of live processes whose command line mentions <paramref name="text"/> (a wrapper's path, say).</summary>
    public static IReadOnlyList<int> ProcessesMentioning(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(text, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
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
