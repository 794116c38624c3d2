using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>`./flock --help` lists every command the launcher accepts, its own `test` and `install` included.</summary>
public sealed class LauncherHelpTests
{
    [Fact]
    public async Task Help_through_the_launcher_should_list_test_and_install_beside_the_programs_commands()
    {
        var launched = await FlockProcess.RunAsync(["--help"], env: new Dictionary<string, string> { ["FLOCK_LAUNCHER"] = "1" });
        Assert.Equal(0, launched.ExitCode);
        foreach (var command in new[] { "seed", "node", "encode", "demo", "pbm", "test", "install" })
            Assert.Matches($@"(?m)^\s+{command}\s+\S", launched.Stdout);

        // The installed flock (no launcher) has no test or install to offer.
        var installed = await FlockProcess.RunAsync(["--help"], env: new Dictionary<string, string> { ["FLOCK_LAUNCHER"] = "" });
        Assert.DoesNotMatch(@"(?m)^\s+install\s", installed.Stdout);

        // The launcher says it is one right before it hands over.
        var script = await File.ReadAllLinesAsync(Repository.File("flock"));
        var exec = Array.FindLastIndex(script, l => l.StartsWith("exec dotnet \"$BIN/flock.dll\"", StringComparison.Ordinal));
        Assert.Contains("export FLOCK_LAUNCHER=1", script[..exec]);
    }
}
