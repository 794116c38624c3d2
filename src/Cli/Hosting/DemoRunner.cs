using Akka.Actor;
using System.Diagnostics;
using System.Globalization;
using Flock.Cli.Pbm.Output;
using Flock.Media.Processes;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Flock.Seed.Cluster;
using Flock.Seed.Planning;

namespace Flock.Cli.Hosting;

/// <summary>
/// `flock demo`: encodes a generated 60 s clip (or IN to OUT) first on one node, then on one node per core, each node
/// a `flock node` process pinned to its own core with single-threaded x264, and reports both times: the speedup over
/// one node means what adding a node gives, measured here and now.
/// </summary>
public static class DemoRunner
{
    public static async Task<int> RunAsync(string? input, string? output, CancellationToken ct)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"flock-demo-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            if (input is null)
            {
                input = Path.Combine(temp, "demo-source.mp4");
                Console.WriteLine("generating a 60 s 640x360 test clip with audio (ffmpeg lavfi) ...");
                await Ffmpeg.RunCheckedAsync(
                    ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=30:d=60", "-f", "lavfi", "-i", "sine=f=440:d=60",
                     "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-c:a", "aac", "-shortest", input], ct);
            }

            input = Path.GetFullPath(input);
            output = Path.GetFullPath(output ?? "flock-demo.mp4");
            var cores = Environment.ProcessorCount;
            var pinned = cores >= 2 && File.Exists("/usr/bin/taskset");
            var nodes = Math.Max(2, cores);
            // Every node needs chunks to take: a short input gets shorter chunks (about three per node), never over 10 s.
            var duration = (await SourceProbes.ProbeAsync(input, ct)).DurationSeconds;
            var chunkSeconds = Math.Round(Math.Clamp(duration / (nodes * 3), 1, 10), 1);
            var how = pinned ? "pinned to its own core, x264 single-threaded" : "unpinned, sharing this machine's core";

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"encoding {Path.GetFileName(input)} on 1 node ({how}; x264 medium, crf 23, {chunkSeconds:0.#} s chunks) ..."));
            var one = await LegAsync(input, Path.Combine(temp, "one-node" + Path.GetExtension(output)), 1, pinned, chunkSeconds, Path.Combine(temp, "one"), ct);
            if (one.Error is not null) { Console.Error.WriteLine($"error: demo failed on one node: {one.Error}"); return 1; }
            Console.WriteLine($"encoding it again on {nodes} nodes ({(pinned ? "each pinned to its own core" : how)}) ...");
            var many = await LegAsync(input, output, nodes, pinned, chunkSeconds, Path.Combine(temp, "many"), ct);
            if (many.Error is not null) { Console.Error.WriteLine($"error: demo failed: {many.Error}"); return 1; }

            var job = many.Job!;
            var speedup = one.Elapsed.TotalSeconds / many.Elapsed.TotalSeconds;
            var perNode = job.Chunks.Where(c => c.Node is not null).GroupBy(c => c.Node!).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key} {Plural.Of(g.Count(), "chunk")}");
            Console.WriteLine();
            Console.WriteLine($"what it did: split {Plural.Of(job.TotalFrames, "frame")} into {Plural.Of(job.Chunks.Count, "chunk")}, encoded them on {Plural.Of(nodes, "node")} ({string.Join(", ", perNode)}), joined and verified every frame's timestamp");
            Console.WriteLine($"output:      {output}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"time:        1 node {one.Elapsed.TotalSeconds:0.0}s, {nodes} nodes {many.Elapsed.TotalSeconds:0.0}s: speedup {speedup:0.00}x over one node"));
            Console.WriteLine(pinned
                ? $"why:         each node ran on a core of its own (taskset) with single-threaded x264, as {nodes} one-core machines would, so the speedup is what adding nodes gives. "
                  + $"Nodes on one machine that are not pinned share its {cores} cores with multithreaded x264: then about 1x is the best possible, since one node already uses every core."
                : "why:         this machine has 1 core: both nodes share it, so about 1x is the best possible here. On separate machines each node adds its own cores.");
            return 0;
        }
        catch (MediaException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        finally
        {
            try { Directory.Delete(temp, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Leg(JobResponse? Job, TimeSpan Elapsed, string? Error);

    /// <summary>One run: a seed in this process, <paramref name="count"/> node processes; timed from submit (all nodes up) to the verified output.</summary>
    private static async Task<Leg> LegAsync(string input, string output, int count, bool pinned, double chunkSeconds, string dir, CancellationToken ct)
    {
        Directory.CreateDirectory(dir);
        using var logs = ConsoleLogging.ForCommand();
        var cluster = await EmbeddedCluster.StartAsync(0, logs, ct, remoteNodes: true);
        var nodes = DemoNodes.Start(count, pinned, cluster.Address, cluster.Seed.Options.ClusterKey, dir);
        try
        {
            return await RunLegAsync(cluster, nodes, input, output, count, chunkSeconds, dir, ct);
        }
        finally
        {
            // The seed first: nodes killed under a running seed would be reported as lost.
            await cluster.DisposeAsync();
            nodes.Dispose();
        }
    }

    private static async Task<Leg> RunLegAsync(EmbeddedCluster cluster, DemoNodes nodes, string input, string output, int count, double chunkSeconds, string dir,
        CancellationToken ct)
    {
        var joining = Stopwatch.StartNew();
        while ((await cluster.Seed.Cluster.Ask<ClusterResponse>(new FetchCluster(), TimeSpan.FromSeconds(10))).Nodes.Count(n => n.Status == "up") < count)
        {
            if (nodes.Failure() is { } failure) return new Leg(null, default, failure);
            if (joining.Elapsed > TimeSpan.FromMinutes(2)) return new Leg(null, default, $"the nodes did not join within 2 minutes (logs: {dir})");
            await Task.Delay(200, ct);
        }

        var watch = Stopwatch.StartNew();
        var id = await cluster.SubmitAsync(input, output, [], chunkSeconds, ct);
        var progress = new JobProgressLine(SystemConsoleOutput.Instance, indent: "  ");
        JobResponse job;
        try
        {
            job = await cluster.WaitAsync(id, progress.Show, ct);
        }
        finally
        {
            progress.Finish();
        }

        watch.Stop();
        return job.State == JobStates.Completed ? new Leg(job, watch.Elapsed, null) : new Leg(job, watch.Elapsed, job.Error ?? job.State);
    }
}
