using System.Diagnostics;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// The ./flock launcher's first build says how it is getting on (one line per project built) instead of one silent
/// line for a minute. Run on a copy of the launcher with a stand-in `dotnet` on PATH that builds slowly, so the
/// launcher's own logic is what is tested, in seconds.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LauncherBuildProgressTests
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public async Task First_build_should_print_each_project_as_it_is_built()
    {
        using var scratch = ScratchDirectory.Create("flock-launcher");
        var root = Directory.CreateDirectory(scratch.File("repo")).FullName;
        File.Copy(Repository.File("flock"), Path.Combine(root, "flock"));
        File.SetUnixFileMode(Path.Combine(root, "flock"), Executable);
        Directory.CreateDirectory(Path.Combine(root, "src", "Cli"));
        File.WriteAllText(Path.Combine(root, "src", "Cli", "Program.cs"), "// stands in for the sources");
        var bin = Directory.CreateDirectory(scratch.File("bin")).FullName;
        // `dotnet publish ... -o OUT`: three projects, 1.5 s apart, as MSBuild's minimal verbosity reports them.
        File.WriteAllText(Path.Combine(bin, "dotnet"), """
            #!/bin/sh
            if [ "$1" = publish ]; then
              out=""; prev=""
              for a in "$@"; do [ "$prev" = -o ] && out=$a; prev=$a; done
              for p in Flock.Messages Flock.Seed flock; do sleep 1.5; echo "  $p -> $out/$p.dll"; done
              echo "  flock -> $out/"
              mkdir -p "$out" && touch "$out/flock.dll"
              exit 0
            fi
            echo "ran $*"
            """);
        File.SetUnixFileMode(Path.Combine(bin, "dotnet"), Executable);

        var psi = new ProcessStartInfo(Path.Combine(root, "flock")) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("--help");
        psi.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using var launcher = Process.Start(psi)!;
        var lines = new List<(TimeSpan At, string Line)>();
        var clock = Stopwatch.StartNew();
        var stdout = launcher.StandardOutput.ReadToEndAsync();
        while (await launcher.StandardError.ReadLineAsync() is { } line) lines.Add((clock.Elapsed, line));
        await launcher.WaitForExitAsync();

        Assert.Equal(0, launcher.ExitCode);
        Assert.StartsWith("ran ", (await stdout).Trim(), StringComparison.Ordinal);
        var built = lines.Where(l => l.Line.StartsWith("flock: built ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Flock.Messages", "Flock.Seed", "flock"], built.Select(l => l.Line.Split(' ')[2]));
        // Printed as the build goes, not all at its end.
        Assert.True(built[^1].At - built[0].At > TimeSpan.FromSeconds(1.5), string.Join("\n", lines));
    }
}
