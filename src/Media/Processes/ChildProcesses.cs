using System.Globalization;
using CliWrap;

namespace Flock.Media.Processes;

/// <summary>
/// How Flock's children are tied to it. A SIGKILLed .NET process leaves its ffmpeg running (reparented to PID 1, still
/// encoding, still holding its output file), so each child is started under `setpriv --pdeathsig KILL`, which makes the
/// kernel kill it with Flock. Where setpriv is missing the children carry a marker instead, and
/// <see cref="SweepOrphans"/> kills those whose Flock is gone at the next start.
/// </summary>
public static class ChildProcesses
{
    /// <summary>Set in each child's environment to the pid of the Flock process that started it.</summary>
    public const string ParentVariable = "FLOCK_PARENT_PID";

    private static readonly Lazy<int> FirstSweep = new(SweepOrphans);

    /// <summary>setpriv's path, or null where util-linux's setpriv is not installed (children then only get the sweep).</summary>
    public static string? Setpriv { get; } = FindOnPath("setpriv");

    /// <summary>A CliWrap command for <paramref name="fileName"/> with an argument list, tied to this process.</summary>
    public static Command Wrap(string fileName, IEnumerable<string> arguments)
    {
        _ = FirstSweep.Value;
        var command = Setpriv is null
            ? Cli.Wrap(fileName).WithArguments(arguments)
            // "--" so that none of ffmpeg's own options is taken for one of setpriv's.
            : Cli.Wrap(Setpriv).WithArguments(["--pdeathsig", "KILL", "--", fileName, .. arguments]);
        return command.WithEnvironmentVariables(e => e.Set(ParentVariable, Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// Kills every process that carries the marker but whose parent is no longer the Flock process that started it (an
    /// orphan: that Flock died). Only this user's processes can be read, and only Flock's children carry the marker, so
    /// no other ffmpeg on the machine is touched. Returns how many were killed.
    /// </summary>
    public static int SweepOrphans()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        var killed = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                if (StartedBy(File.ReadAllBytes(Path.Combine(dir, "environ"))) is not { } parent) continue;
                if (ParentOf(File.ReadAllText(Path.Combine(dir, "stat"))) == parent) continue;
                using var orphan = System.Diagnostics.Process.GetProcessById(pid);
                orphan.Kill();
                killed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone meanwhile, or another user's: not ours to sweep.
            }
        }
        return killed;
    }

    private static int? StartedBy(byte[] environ)
    {
        var prefix = System.Text.Encoding.ASCII.GetBytes(ParentVariable + "=");
        foreach (var range in environ.AsSpan().Split((byte)0))
        {
            var entry = environ.AsSpan(range);
            if (entry.StartsWith(prefix) && int.TryParse(entry[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return pid;
        }
        return null;
    }

    /// <summary>The ppid field of /proc/PID/stat (the fourth, counted after the command name, which may hold spaces).</summary>
    private static int? ParentOf(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) ? ppid : null;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
