using System.Globalization;
using Xunit;

namespace Flock.Tests.Media.Processes;

/// <summary>Looks at real processes through /proc: whose children they are and whether they are gone.</summary>
public static class ChildProcessWatch
{
    /// <summary>The pids whose parent is <paramref name="parent"/> and whose command is <paramref name="command"/>.</summary>
    public static IReadOnlyList<int> ChildrenOf(int parent, string command)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (Stat(pid) is { } s && s.Parent == parent && s.Command == command) found.Add(pid);
        }
        return found;
    }

    /// <summary>Alive means running or sleeping: a zombie has already died, it only waits for its new parent to reap it.</summary>
    public static bool IsAlive(int pid) => Stat(pid) is { State: not 'Z' and not 'X' };

    public static async Task AssertGoneAsync(int pid, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (IsAlive(pid))
        {
            Assert.True(DateTime.UtcNow < until, $"process {pid} ({Stat(pid)?.Command}) is still alive after {within}");
            await Task.Delay(50);
        }
    }

    public static async Task<int> WaitForChildAsync(int parent, string command, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (true)
        {
            if (ChildrenOf(parent, command) is [var pid, ..]) return pid;
            Assert.True(DateTime.UtcNow < until, $"no {command} child of {parent} within {within}");
            await Task.Delay(50);
        }
    }

    private sealed record ProcStat(string Command, char State, int Parent);

    private static ProcStat? Stat(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        var open = text.IndexOf('(');
        var close = text.LastIndexOf(')');
        var fields = text[(close + 2)..].Split(' ');
        return new ProcStat(text[(open + 1)..close], fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture));
    }
}
