using System.Globalization;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// Seeds and nodes get started from wherever their user stands: a home or repository folder with thousands of folders
/// under it. ASP.NET Core's default host watches its working directory and every folder under it for an
/// appsettings.json, which Flock never reads; every file written there (ffmpeg's output, logs, journals) then woke
/// each Flock process, and a large tree can use up the machine's inotify watches.
/// </summary>
public sealed class WorkingDirectoryTests
{
    [Fact]
    public async Task Seed_and_node_started_in_a_folder_should_watch_neither_it_nor_any_folder_under_it()
    {
        using var cluster = new TestCluster();
        var home = cluster.Scratch.File("home");
        for (var i = 0; i < 10; i++) Directory.CreateDirectory(Path.Combine(home, $"project-{i}", "src", "bin"));
        cluster.WorkingDirectory = home;
        var seed = await cluster.StartSeedAsync();
        var node = await cluster.StartNodeAsync("in-home");

        var tree = await InodesAsync([home, .. Directory.EnumerateDirectories(home, "*", SearchOption.AllDirectories)]);
        Assert.Equal(31, tree.Count);
        foreach (var (what, pid) in new[] { ("seed", seed.Id), ("node", node.Id) })
        {
            var watched = WatchedInodes(pid);
            Assert.True(!watched.Overlaps(tree), $"the {what} watches {watched.Count(tree.Contains)} folders of its working directory's tree");
        }
    }

    /// <summary>The inodes of every inotify watch the process holds (from /proc/PID/fdinfo).</summary>
    private static HashSet<ulong> WatchedInodes(int pid)
    {
        var inodes = new HashSet<ulong>();
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fdinfo"))
        {
            string[] lines;
            try { lines = File.ReadAllLines(fd); }
            catch (IOException) { continue; } // closed meanwhile
            foreach (var line in lines.Where(l => l.StartsWith("inotify wd:", StringComparison.Ordinal)))
            {
                var ino = line.Split(' ').Single(f => f.StartsWith("ino:", StringComparison.Ordinal));
                inodes.Add(ulong.Parse(ino["ino:".Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }
        return inodes;
    }

    private static async Task<HashSet<ulong>> InodesAsync(IReadOnlyList<string> paths)
    {
        var (exitCode, stdout, stderr) = await FlockProcess.RunAsync(["-c", "%i", .. paths], fileName: "stat");
        Assert.True(exitCode == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => ulong.Parse(s, CultureInfo.InvariantCulture)).ToHashSet();
    }
}
