using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// `flock demo IN OUT` on a short clip: every node gets chunks, each node process runs pinned to a core of its own,
/// and the output explains what the speedup it prints means.
/// </summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_on_a_short_clip_should_give_every_pinned_node_work_and_explain_the_speedup()
    {
        using var scratch = ScratchDirectory.Create("flock-demo-test");
        var clip = scratch.File("short.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=12", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", clip]);
        var output = scratch.File("demo-out.mp4");

        var demo = FlockProcess.RunAsync(["demo", clip, output], TimeSpan.FromMinutes(6));
        // While it runs: the nodes of the many-node leg are processes, each allowed on exactly one core, all different.
        var cores = new Dictionary<int, string>();
        while (!demo.IsCompleted && cores.Count < Environment.ProcessorCount)
        {
            foreach (var pid in TestCluster.ProcessesMentioning("/many/demo-"))
            {
                try
                {
                    // taskset itself, before its exec: its command line names the node too, but its affinity is not set yet.
                    if (File.ReadAllText($"/proc/{pid}/comm").Trim() == "taskset") continue;
                    if (!File.ReadAllText($"/proc/{pid}/cmdline").Contains("\0node\0", StringComparison.Ordinal)) continue;
                    cores[pid] = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim();
                }
                catch (IOException) { }
            }
            await Task.Delay(100);
        }
        var (exit, stdout, stderr) = await demo;

        Assert.True(exit == 0, stdout + stderr);
        // A run where nothing went wrong warns about nothing (its nodes let go as its seeds stop included).
        Assert.DoesNotContain(" warn: ", stdout + stderr, StringComparison.Ordinal);
        if (Environment.ProcessorCount >= 2)
        {
            Assert.Equal(Environment.ProcessorCount, cores.Count);
            Assert.All(cores.Values, c => Assert.Matches(@"^\d+$", c));
            Assert.Equal(cores.Count, cores.Values.Distinct().Count());
        }
        var nodes = Math.Max(2, Environment.ProcessorCount);
        var did = stdout.Split('\n').Single(l => l.StartsWith("what it did:", StringComparison.Ordinal));
        for (var i = 1; i <= nodes; i++)
            Assert.Matches($@"demo-{i} [1-9]\d* chunks?", did);
        Assert.Matches(@"(?m)^time: +1 node [\d.]+s, \d+ nodes [\d.]+s: speedup [\d.]+x over one node$", stdout);
        Assert.Matches(@"(?m)^why: +\S", stdout);
        Assert.True(new FileInfo(output).Length > 0);

        // Both runs print progress, the one-node run too: pbm's summary line, plain lines since stdout is redirected.
        Assert.DoesNotContain('\r', stdout);
        var legs = stdout.Split('\n').SkipWhile(l => !l.Contains(" on 1 node (", StringComparison.Ordinal)).ToList();
        var again = legs.FindIndex(l => l.StartsWith("encoding it again on ", StringComparison.Ordinal));
        Assert.True(again > 0, stdout);
        const string progress = @"^  \S+ (encoding|assembling|completed) \[[#-]{10}\] .* \| now \S+( fps)?, avg \S+( fps)? \| elapsed \S+ \| eta \S+ \| size .+$";
        Assert.Contains(legs.Take(again), l => System.Text.RegularExpressions.Regex.IsMatch(l, progress));
        Assert.Contains(legs.Skip(again), l => System.Text.RegularExpressions.Regex.IsMatch(l, progress));
    }
}
