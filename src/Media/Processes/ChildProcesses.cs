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
    /// Kills every process that carries the marker of a Flock process that no longer runs (an orphan: that Flock
    /// died). Only this user's processes can be read, and only Flock's children carry the marker, so
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
                // The marker is inherited: a wrapper script's own children carry it too, under a parent that is not
                // Flock. So the test is whether the marked Flock still runs (and is no newer process that took its pid).
                if (StillRuns(parent, StartTimeOf(File.ReadAllText(Path.Combine(dir, "stat"))))) continue;
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

    /// <summary>Whether process <paramref name="pid"/> exists and started no later than a child that started at <paramref name="childStart"/>.</summary>
    private static bool StillRuns(int pid, long? childStart)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return StartTimeOf(stat) is not { } start || childStart is not { } child || start <= child;
    }

    /// <summary>The starttime field of /proc/PID/stat (the 22nd; counted after the command name, which may hold spaces).</summary>
    private static long? StartTimeOf(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : null;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
