using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// A node started as documented without `--seed`: FLOCK_SEED (or flock.node.seed in its config) names the seed, and
/// `--cluster-key-file` gives the key, so no secret is on the command line or in the environment.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NodeDefaultsTests
{
    private static async Task<string> KeyFileAsync(TestCluster cluster, UnixFileMode mode)
    {
        var path = cluster.Scratch.File("node-cluster.key");
        await File.WriteAllTextAsync(path, cluster.Key + "\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public async Task Node_should_join_the_seed_named_by_flock_seed_with_its_key_from_a_file()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var keyFile = await KeyFileAsync(cluster, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        using var node = FlockProcess.Start(["node", "--name", "from-env", "--cluster-key-file", keyFile],
            cluster.ClientEnvironment(new Dictionary<string, string> { ["FLOCK_SEED"] = $"127.0.0.1:{cluster.Port}", ["FLOCK_CLUSTER_KEY"] = "" }));
        await node.WaitForOutputAsync($"joined the seed at https://127.0.0.1:{cluster.Port}/ as from-env", TimeSpan.FromSeconds(60));
        Assert.Contains($"pinned the seed at 127.0.0.1:{cluster.Port}", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_should_join_the_seed_named_in_its_config_file_with_the_key_file_from_the_environment()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        var keyFile = await KeyFileAsync(cluster, UnixFileMode.UserRead);
        var config = cluster.Scratch.File("node-seed.conf");
        await File.WriteAllTextAsync(config, $"flock.node.seed = \"127.0.0.1:{cluster.Port}\"\n");

        using var node = FlockProcess.Start(["node", "--name", "from-config", "--config", config],
            cluster.ClientEnvironment(new Dictionary<string, string> { ["FLOCK_CLUSTER_KEY_FILE"] = keyFile, ["FLOCK_CLUSTER_KEY"] = "", ["FLOCK_SEED"] = "" }));
        await node.WaitForOutputAsync("joined the seed", TimeSpan.FromSeconds(60));
        // Joined is not yet up: the node benchmarks itself first, which a loaded machine makes slow.
        await seed.WaitForOutputAsync("node from-config is up", TimeSpan.FromSeconds(60));
        Assert.Equal("up", (await cluster.NodeAsync("from-config")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Node_told_to_skip_the_benchmark_should_be_up_at_power_one_and_take_work()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("alike", config: "flock.node.benchmark-seconds = 0\n");

        await seed.WaitForOutputAsync("node alike is up, power 1.00 (0.0 fps)", TimeSpan.FromSeconds(30));
        var node = await cluster.NodeAsync("alike");
        Assert.Equal(1.0, node.GetProperty("power").GetDouble());
        var source = cluster.Scratch.File("alike.mp4");
        await Support.FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", source]);
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("alike-out.mp4"), 1, ["-c:v", "libx264", "-preset", "ultrafast"]);
        var wait = await cluster.PbmAsync("job", "wait", id);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr + seed.Output);
    }

    [Fact]
    public async Task Node_should_refuse_a_key_file_others_can_read()
    {
        using var cluster = new TestCluster();
        var keyFile = await KeyFileAsync(cluster, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var run = await FlockProcess.RunAsync(["node", "--seed", $"127.0.0.1:{cluster.Port}", "--cluster-key-file", keyFile], TimeSpan.FromSeconds(60), cluster.ClientEnvironment());

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: configuration: cluster key file {keyFile} is open to others (mode 604): run chmod 600 {keyFile}", run.Stderr.Trim());
    }
}
