using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>`./flock install PREFIX` gives a flock and pbm that run without the source tree, and systemd units that verify.</summary>
public sealed class InstallTests
{
    [Fact]
    public async Task Installed_flock_and_pbm_should_run_outside_the_repository_and_its_units_should_verify()
    {
        using var scratch = ScratchDirectory.Create("flock-install");
        var prefix = scratch.File("prefix with space");
        var outside = Directory.CreateDirectory(scratch.File("elsewhere")).FullName;

        var install = await FlockProcess.RunAsync(["install", prefix], TimeSpan.FromMinutes(10), workingDirectory: outside, fileName: Path.Combine(Repository.Root, "flock"));
        Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);

        var version = await FlockProcess.RunAsync(["--version"], workingDirectory: outside, fileName: Path.Combine(prefix, "bin", "flock"));
        Assert.True(version.ExitCode == 0, version.Stderr);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout.Trim());

        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var show = await FlockProcess.RunAsync([$"127.0.0.1:{cluster.Port}", "cluster", "show"], env: cluster.ClientEnvironment(), workingDirectory: outside, fileName: Path.Combine(prefix, "bin", "pbm"));
        Assert.True(show.ExitCode == 0, show.Stderr);
        // No node yet: the seed's own cluster member is the one row.
        Assert.Matches(@"^akka\.ssl\.tcp://flock@127\.0\.0\.1:\d+ \| \[seed\] \| up \| reachable[^\n]*\nCount: 1 node$", show.Stdout.Trim());

        // The seed.conf install puts in PREFIX/etc is the one the installed unit reads: an edit there takes effect.
        var units = Path.Combine(prefix, "share", "flock", "systemd");
        var seedConf = Path.Combine(prefix, "etc", "seed.conf");
        var port = FlockProcess.FreePort();
        var conf = File.ReadAllText(seedConf);
        Assert.Contains("urls = \"https://127.0.0.1:9110\"", conf, StringComparison.Ordinal);
        File.WriteAllText(seedConf, conf.Replace("urls = \"https://127.0.0.1:9110\"", $"urls = \"https://127.0.0.1:{port}\"", StringComparison.Ordinal));
        var exec = Services.SystemdUnit.Load(Path.Combine(units, "flock-seed.service")).ExecStart(new Dictionary<string, string>());
        Assert.Equal([Path.Combine(prefix, "bin", "flock"), "seed", "--config", seedConf], exec);
        using (var installedSeed = FlockProcess.Start(exec.Skip(1), new Dictionary<string, string> { ["FLOCK_DATA_DIR"] = scratch.File("installed-seed") }, exec[0], outside))
            await installedSeed.WaitForOutputAsync($"seed listening on https://127.0.0.1:{port}", TimeSpan.FromSeconds(60));

        if (!File.Exists("/usr/bin/systemd-analyze") && !File.Exists("/bin/systemd-analyze")) return; // verified wherever systemd is installed
        var verify = await FlockProcess.RunAsync(["verify", Path.Combine(units, "flock-seed.service"), Path.Combine(units, "flock-node.service")],
            TimeSpan.FromMinutes(1), workingDirectory: outside, fileName: "systemd-analyze");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);

        // The check has teeth: a unit whose ExecStart points nowhere is refused.
        var broken = Path.Combine(outside, "flock-broken.service");
        File.WriteAllText(broken, File.ReadAllText(Path.Combine(units, "flock-node.service")).Replace(Path.Combine(prefix, "bin", "flock"), "/nonexistent/flock", StringComparison.Ordinal));
        var refused = await FlockProcess.RunAsync(["verify", broken], TimeSpan.FromMinutes(1), workingDirectory: outside, fileName: "systemd-analyze");
        Assert.NotEqual(0, refused.ExitCode);
    }
}
