using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Xunit;

namespace Flock.Tests.Integration.Security;

/// <summary>The seed serves TLS by default; nodes and pbm pin its certificate on first contact and refuse a changed one.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class TlsTests
{
    [GeneratedRegex("TLS certificate (SHA256:[0-9a-f]{64})")]
    private static partial Regex FingerprintLine();

    private static string FingerprintOf(FlockProcess seed) => FingerprintLine().Matches(seed.Output)[^1].Groups[1].Value;

    [Fact]
    public async Task Seed_should_serve_tls_and_pbm_should_pin_its_certificate_on_first_contact()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        var fingerprint = FingerprintOf(seed);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(cluster.DataDir, "seed-tls.pfx")));

        var show = await cluster.PbmAsync("cluster", "show");
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains($"pinned the seed at 127.0.0.1:{cluster.Port}: {fingerprint}", show.Stderr, StringComparison.Ordinal);
        Assert.Equal($"127.0.0.1:{cluster.Port} {fingerprint}\n", await File.ReadAllTextAsync(cluster.KnownSeedsFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cluster.KnownSeedsFile));

        // Pinned once: the next contact says nothing.
        var again = await cluster.PbmAsync("job", "list");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.DoesNotContain("pinned", again.Stderr, StringComparison.Ordinal);

        // Nothing is served in clear on the TLS port.
        using var plain = new HttpClient();
        var answered = false;
        try { answered = (await plain.GetAsync($"http://127.0.0.1:{cluster.Port}/api/jobs")).IsSuccessStatusCode; }
        catch (HttpRequestException) { }
        Assert.False(answered, "the seed answered plain HTTP on its TLS port");
    }

    [Fact]
    public async Task A_changed_seed_certificate_should_be_refused_by_pbm_and_nodes_until_accepted()
    {
        using var cluster = new TestCluster();
        var first = await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("node-a");
        Assert.Contains(FingerprintOf(first), await File.ReadAllTextAsync(cluster.KnownSeedsFile), StringComparison.Ordinal);

        // Same address, new certificate: what a man in the middle (or a reinstalled seed) looks like.
        first.KillHard();
        File.Delete(Path.Combine(cluster.DataDir, "seed-tls.pfx"));
        var second = await cluster.StartSeedAsync();
        var changed = FingerprintOf(second);
        Assert.NotEqual(FingerprintOf(first), changed);

        var refused = await cluster.PbmAsync("cluster", "show");
        Assert.NotEqual(0, refused.ExitCode);
        var line = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: the seed at 127.0.0.1:", line, StringComparison.Ordinal);
        Assert.Contains($"--accept-fingerprint {changed}", line, StringComparison.Ordinal);

        var node = await cluster.StartNodeAsync("node-b", waitForJoin: false);
        await node.WaitForOutputAsync($"--accept-fingerprint {changed}", TimeSpan.FromSeconds(60));
        for (var i = 0; i < 100 && !node.HasExited; i++) await Task.Delay(100);
        Assert.True(node.HasExited, "a node facing a changed certificate should stop, not retry");

        var wrong = await cluster.PbmAsync("--accept-fingerprint", "SHA256:" + new string('0', 64), "cluster", "show");
        Assert.NotEqual(0, wrong.ExitCode);

        var accepted = await cluster.PbmAsync("--accept-fingerprint", changed, "cluster", "show");
        Assert.True(accepted.ExitCode == 0, accepted.Stderr);
        Assert.Contains("re-pinned", accepted.Stderr, StringComparison.Ordinal);
        Assert.Contains(changed, await File.ReadAllTextAsync(cluster.KnownSeedsFile), StringComparison.Ordinal);
        await cluster.StartNodeAsync("node-c");
    }

    [Fact]
    public async Task A_seed_with_tls_off_should_warn_and_serve_host_port_clients_in_clear()
    {
        using var cluster = new TestCluster(tls: false);
        var seed = await cluster.StartSeedAsync();
        Assert.Contains("warning: TLS is off", seed.Output, StringComparison.Ordinal);
        await cluster.StartNodeAsync("node-a");
        var show = await cluster.PbmAsync("cluster", "show");
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains(" | node-a | ", show.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(cluster.KnownSeedsFile), "nothing to pin without TLS");
    }

    [Fact]
    public async Task A_pinned_seed_that_stops_offering_tls_should_be_refused()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        Assert.True((await cluster.PbmAsync("cluster", "show")).ExitCode == 0);
        seed.KillHard();

        // Something else, in clear, on the pinned address: a downgrade attempt.
        using var impostor = new TestCluster(tls: false);
        var plain = FlockProcess.Start(["seed", "--urls", $"http://127.0.0.1:{cluster.Port}", "--data", impostor.DataDir],
            new Dictionary<string, string> { ["FLOCK_TOKEN"] = cluster.AdminToken, ["FLOCK_SEED_TLS"] = "off", ["FLOCK_CLUSTER_KEY"] = "k" });
        using (plain)
        {
            await plain.WaitForOutputAsync("seed listening on", TimeSpan.FromSeconds(30));
            var refused = await cluster.PbmAsync("cluster", "show");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("no longer offers TLS", refused.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Seed_should_refuse_an_http_url_while_tls_is_on()
    {
        using var scratch = Support.ScratchDirectory.Create();
        var run = await FlockProcess.RunAsync(["seed", "--urls", $"http://127.0.0.1:{FlockProcess.FreePort()}", "--data", scratch.File("data")],
            TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["FLOCK_CLUSTER_KEY"] = "k" });
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: cannot start the seed: flock.seed.urls has http://", run.Stderr, StringComparison.Ordinal);
    }
}
