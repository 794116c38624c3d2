using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// Clients given several seed members' addresses, the first of them dead (a port nothing listens on): pbm and a node
/// go on to the next address, over real sockets.
/// </summary>
public sealed class MultiSeedAddressTests
{
    [Fact]
    public async Task Pbm_given_a_dead_seed_address_first_should_use_the_next()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var dead = FlockProcess.FreePort();

        var show = await FlockProcess.RunAsync(["pbm", $"127.0.0.1:{dead},127.0.0.1:{cluster.Port}", "cluster", "show"], TimeSpan.FromMinutes(1),
            cluster.ClientEnvironment());

        Assert.True(show.ExitCode == 0, show.Stdout + show.Stderr);
        Assert.Contains(" | [seed] | up | ", show.Stdout, StringComparison.Ordinal);
        // A session's prompt names the list, and its commands reach the live member too.
        var session = await FlockProcess.RunAsync(["pbm", $"127.0.0.1:{dead},127.0.0.1:{cluster.Port}"], TimeSpan.FromMinutes(1), cluster.ClientEnvironment(),
            stdin: "job list --json\nexit\n");
        Assert.True(session.ExitCode == 0, session.Stdout + session.Stderr);
        Assert.Contains($"[127.0.0.1:{dead},127.0.0.1:{cluster.Port}] pbm> ", session.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"jobs\"", session.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pbm_given_only_dead_seed_addresses_should_fail_with_one_line_naming_each()
    {
        var (a, b) = (FlockProcess.FreePort(), FlockProcess.FreePort());
        using var scratch = ScratchDirectory.Create("flock-multi-seed");

        var run = await FlockProcess.RunAsync(["pbm", $"127.0.0.1:{a},127.0.0.1:{b}", "job", "list"], TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["FLOCK_KNOWN_SEEDS"] = scratch.File("known_seeds"), ["FLOCK_TOKEN"] = "t" });

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot reach seed at https://127.0.0.1:{a}: ", line, StringComparison.Ordinal);
        Assert.Contains($"; nor at https://127.0.0.1:{b}: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_given_a_dead_seed_address_first_should_join_the_next_and_encode()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var dead = FlockProcess.FreePort();

        var node = await cluster.StartNodeAsync("second-choice", seed: $"127.0.0.1:{dead},127.0.0.1:{cluster.Port}");

        Assert.Contains($"trying https://127.0.0.1:{cluster.Port}/", node.Output, StringComparison.Ordinal);
        Assert.Contains($"joined the seed at https://127.0.0.1:{cluster.Port}/ as second-choice", node.Output, StringComparison.Ordinal);
        var source = await ClusterTests.BusyClipAsync(cluster.Scratch, seconds: 4);
        var output = cluster.Scratch.File("out.mp4");
        var submit = await cluster.PbmAsync(["job", "submit", source, output, "--chunk-seconds", "2", "--", .. ClusterTests.Options]);
        Assert.True(submit.ExitCode == 0, submit.Stdout + submit.Stderr + node.Output);
        Assert.True(new FileInfo(output).Length > 0);
        // Every frame of the 4 s at 25 fps came back encoded.
        Assert.Equal(100, (await MediaReport.ReadAsync(output)).VideoFrameCount);
    }
}
