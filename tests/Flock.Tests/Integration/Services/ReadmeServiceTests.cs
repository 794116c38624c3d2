using System.Text.RegularExpressions;
using Flock.Messages.Security;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Services;

/// <summary>
/// The README's Services example, read from the README itself (so the two cannot drift) and run as written: its
/// seed.env and node.env under the units from deploy/systemd, then its pbm line. Only the host name and port are
/// changed (to 127.0.0.1 and a free port) and the key placeholder filled from where the README says the seed keeps it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class ReadmeServiceTests
{
    [GeneratedRegex(@"echo '(?<text>[^']*)' \| sudo tee /etc/flock/(?<name>[a-z]+)\.env")]
    private static partial Regex EnvFileWrite();

    [GeneratedRegex(@"the key is in (?<path>/\S+) on the seed")]
    private static partial Regex KeyLocation();

    [GeneratedRegex(@"^(?<env>(?:[A-Z_]+=\S+ )*)/opt/flock/bin/pbm (?<args>.+)$", RegexOptions.Multiline)]
    private static partial Regex PbmLine();

    private static string ServicesExample()
    {
        var readme = File.ReadAllText(Repository.File("README.md"));
        var section = readme[readme.IndexOf("\n## Services", StringComparison.Ordinal)..];
        var start = section.IndexOf("```sh\n", StringComparison.Ordinal) + 6;
        return section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task Readme_service_example_should_run_a_seed_and_a_node_that_joins_it_over_tls()
    {
        var example = ServicesExample();
        var envFiles = EnvFileWrite().Matches(example).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["text"].Value);
        Assert.Contains("seed", envFiles.Keys);
        Assert.Contains("node", envFiles.Keys);
        Assert.Contains("flock-seed.service", example, StringComparison.Ordinal);
        Assert.Contains("flock-node.service", example, StringComparison.Ordinal);

        var port = FlockProcess.FreePort();
        string Here(string text) => text.Replace("seedhost:9110", $"127.0.0.1:{port}", StringComparison.Ordinal).Replace(":9110", $":{port}", StringComparison.Ordinal);
        using var scratch = ScratchDirectory.Create("flock-readme-services");
        var root = scratch.File("machine");

        using var seed = ServiceRun.Start(SystemdUnit.Load(Repository.File("deploy", "systemd", "flock-seed.service")), Here(envFiles["seed"]), root);
        await seed.WaitForOutputAsync("seed listening on", TimeSpan.FromSeconds(60));
        await seed.WaitForOutputAsync("dashboard https://", TimeSpan.FromSeconds(5));
        var fingerprint = Regex.Match(seed.Output, "TLS certificate (SHA256:[0-9a-f]{64})").Groups[1].Value;
        var hex = fingerprint["SHA256:".Length..].ToUpperInvariant();
        Assert.Contains(string.Join(':', Enumerable.Range(0, 32).Select(i => hex.Substring(i * 2, 2))), seed.Output, StringComparison.Ordinal);

        var keyPath = ServiceRun.Remap(KeyLocation().Match(example).Groups["path"].Value, root);
        var key = (await File.ReadAllTextAsync(keyPath)).Trim();
        using var node = ServiceRun.Start(SystemdUnit.Load(Repository.File("deploy", "systemd", "flock-node.service")),
            Here(envFiles["node"]).Replace("FLOCK_CLUSTER_KEY=...", $"FLOCK_CLUSTER_KEY={key}", StringComparison.Ordinal), root);
        await node.WaitForOutputAsync($"joined the seed at https://127.0.0.1:{port}/", TimeSpan.FromSeconds(60));
        Assert.Contains($"pinned the seed at 127.0.0.1:{port}: {fingerprint}", node.Output, StringComparison.Ordinal);

        var pbm = PbmLine().Match(example);
        Assert.True(pbm.Success, "the Services example has no pbm line");
        var env = pbm.Groups["env"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a.Split('=', 2)).ToDictionary(a => a[0], a => a[1]);
        env["FLOCK_KNOWN_SEEDS"] = scratch.File("pbm-known_seeds");
        var show = await FlockProcess.RunAsync(["pbm", .. Here(pbm.Groups["args"].Value).Split(' ', StringSplitOptions.RemoveEmptyEntries)], env: env);
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Matches(@" \| (joining|up) \| reachable", show.Stdout); // joining until its benchmark is in
        // The seed's member and the node: on the node's member row once it has reported its member, else on its own.
        Assert.Matches(@"Count: [23] nodes$", show.Stdout.Trim());

        // The address the seed printed serves the dashboard, over TLS with the certificate it announced.
        var dashboard = new Uri(Regex.Match(seed.Output, @"dashboard (https://\S+)").Groups[1].Value);
        using var http = new HttpClient(SeedEndpoint.Handler(new KnownSeeds(scratch.File("pbm-known_seeds")), dashboard));
        var page = await http.GetStringAsync(new UriBuilder(dashboard) { Host = "127.0.0.1" }.Uri);
        Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
        Assert.False(seed.HasExited, seed.Output);
    }
}
