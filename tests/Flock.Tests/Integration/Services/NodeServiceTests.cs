using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Services;

/// <summary>
/// deploy/systemd/flock-node.service as systemd runs it: a dynamic user whose home is read-only. The node pins the
/// seed's certificate in its state directory; where it cannot pin, it says so and stops, never trying plain HTTP.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NodeServiceTests
{
    private static SystemdUnit NodeUnit => SystemdUnit.Load(Repository.File("deploy", "systemd", "flock-node.service"));

    private static string EnvFile(TestCluster cluster) => $"FLOCK_SEED=127.0.0.1:{cluster.Port}\nFLOCK_CLUSTER_KEY={cluster.Key}\n";

    [Fact]
    public async Task Node_unit_should_pin_the_seed_in_its_state_directory_although_its_home_is_read_only()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var root = cluster.Scratch.File("machine");

        using var node = ServiceRun.Start(NodeUnit, EnvFile(cluster), root);
        await node.WaitForOutputAsync("joined the seed at https://", TimeSpan.FromSeconds(60));

        var pins = Path.Combine(root, "var", "lib", "flock-node", "known_seeds");
        Assert.Contains($"pinned the seed at 127.0.0.1:{cluster.Port}: SHA256:", node.Output, StringComparison.Ordinal);
        Assert.StartsWith($"127.0.0.1:{cluster.Port} SHA256:", await File.ReadAllTextAsync(pins), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pins));
    }

    [Fact]
    public async Task Node_with_an_unwritable_home_should_say_it_cannot_pin_and_stop_instead_of_falling_back_to_http()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var root = cluster.Scratch.File("machine");
        // The unit as it was before it had a state directory: known_seeds falls back to the (read-only) home.
        var unit = cluster.Scratch.File("flock-node-without-state.service");
        await File.WriteAllLinesAsync(unit, (await File.ReadAllLinesAsync(NodeUnit.Path)).Where(l => !l.Contains("FLOCK_KNOWN_SEEDS", StringComparison.Ordinal)));

        using var node = ServiceRun.Start(SystemdUnit.Load(unit), EnvFile(cluster), root);
        var exit = await node.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exit);
        Assert.NotEqual(97, exit); // the read-only home was really mounted
        var path = Path.Combine(root, "home", ".config", "flock", "known_seeds");
        Assert.Contains($"error: cannot write known_seeds {path}: {ServiceRun.HomeWriteError}", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("joined the seed", node.Output, StringComparison.Ordinal);
    }
}
