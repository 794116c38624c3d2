using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Flock.Messages;
using Flock.Messages.Jobs;
using Flock.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// Twenty small jobs on three nodes while a chaos loop SIGKILLs and restarts random nodes and the seed. Every job must
/// end with an exact output, and nothing may be left behind: temp files, ffmpeg processes, chunks still out on a node.
/// Short in the normal run; FLOCK_SOAK=1 (`./flock test --soak`) runs the chaos far longer.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("FLOCK_SOAK") == "1";

    // Jobs are submitted by path, so the scratch folder must be a media root.
    private static string SeedConfig(TestCluster cluster) =>
        $"flock.seed {{ orphan-grace = 3s, speculation.min-elapsed = 5s, media-roots = [{System.Text.Json.JsonSerializer.Serialize(cluster.Scratch.Path)}] }}";

    private static string NodeConfig(string workDir) =>
        $"flock.node {{ work-dir = \"{workDir}\", reconnect-min = 200ms, reconnect-max = 1s, benchmark-seconds = 0.5, threads = 1 }}";

    [Fact]
    public async Task Jobs_should_all_finish_exactly_while_nodes_and_the_seed_are_killed_at_random()
    {
        var jobCount = 20;
        var chaosFor = Long ? TimeSpan.FromMinutes(4) : TimeSpan.FromSeconds(25);
        using var cluster = new TestCluster();
        var source = cluster.Scratch.File("soak.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=192x108:r=25:d=3", "-f", "lavfi", "-i", "sine=d=3",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "2", "-c:a", "aac", "-shortest", source]);
        string[] options = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "30"];
        var reference = await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), options);

        var setup = Stopwatch.StartNew();
        await cluster.StartSeedAsync(config: SeedConfig(cluster));
        var names = new[] { "soak-1", "soak-2", "soak-3" };
        var started = await Task.WhenAll(names.Select(name => StartNodeAsync(cluster, name)));
        var nodes = names.Zip(started, (name, node) => (name, node)).ToDictionary(p => p.name, p => p.node);

        output.WriteLine($"cluster up: {setup.Elapsed.TotalSeconds:0.0}s");
        var http = cluster.Http;
        // Submitted side by side: each submission's checks (a probe, a one-frame encode) run outside the queue.
        var ids = (await Task.WhenAll(Enumerable.Range(0, jobCount).Select(async _ =>
        {
            using var response = await http.PostAsJsonAsync("/api/jobs", new SubmitJobRequest(source, null, options, 1), WireJson.Options);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<SubmitJobResponse>(WireJson.Options))!.Id;
        }))).ToList();

        output.WriteLine($"setup and {jobCount} submissions: {setup.Elapsed.TotalSeconds:0.0}s");

        // Chaos: every couple of seconds one process dies hard and comes back a moment later.
        var random = new Random(Long ? Environment.TickCount : 42);
        var kills = new List<string>();
        var clock = Stopwatch.StartNew();
        var lastKill = TimeSpan.Zero;
        while (clock.Elapsed < chaosFor)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1500, 4000)));
            var victim = random.Next(4) == 0 ? "seed" : names[random.Next(names.Length)];
            lastKill = clock.Elapsed;
            kills.Add($"{lastKill.TotalSeconds:0.0}s {victim}");
            if (victim == "seed")
            {
                cluster.Seed!.KillHard();
                await Task.Delay(random.Next(200, 1500));
                await cluster.StartSeedAsync(config: SeedConfig(cluster));
            }
            else
            {
                nodes[victim].KillHard();
                await Task.Delay(random.Next(200, 1500));
                nodes[victim] = await StartNodeAsync(cluster, victim, waitForJoin: false);
            }
        }
        var chaosEnded = clock.Elapsed;
        output.WriteLine($"{kills.Count} kills: {string.Join(", ", kills)}");
        // Recovery from the last kill: every node up again and work in hand (or nothing left to do).
        var recovered = await WaitForWorkInHandAsync(http, names, ids, TimeSpan.FromMinutes(2));
        var recovery = clock.Elapsed - lastKill;
        output.WriteLine($"work back in hand {recovery.TotalSeconds:0.0}s after the last kill ({(recovered ? "every node up, a chunk out" : "every job settled first")})");

        var jobs = await WaitForAllAsync(http, ids, TimeSpan.FromMinutes(Long ? 15 : 5), () => Logs(cluster, nodes));
        var settled = clock.Elapsed;
        output.WriteLine($"all settled {(settled - chaosEnded).TotalSeconds:0.0}s after the chaos ended");
        var expected = await MediaReport.ReadAsync(reference);
        foreach (var job in jobs)
        {
            Assert.True(job.State == JobStates.Completed, $"job {job.Id} is {job.State}: {job.Error}");
            Assert.All(job.Chunks, c => Assert.Equal(ChunkStates.Done, c.State));
            Assert.All(job.Chunks, c => Assert.Empty(c.Runs ?? []));
        }
        var outputs = await Task.WhenAll(jobs.Select(j => MediaReport.ReadAsync(Path.Combine(cluster.DataDir, "jobs", j.Id, "output.mp4"))));
        foreach (var actual in outputs) MediaComparer.AssertEquivalent(expected, actual);

        // No chunk is still out on a node.
        var clusterView = await http.GetFromJsonAsync<JsonElement>("/api/cluster", WireJson.Options);
        foreach (var node in clusterView.GetProperty("nodes").EnumerateArray())
            Assert.True(node.GetProperty("work").GetArrayLength() == 0, $"a node still holds chunks: {node}");

        // No temp files: partial uploads, unverified attempts, assembly scraps, leftover uploads.
        var litter = Directory.EnumerateFileSystemEntries(cluster.DataDir, "*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".part", StringComparison.Ordinal) || p.Contains(".partial", StringComparison.Ordinal) || p.Contains(".attempt", StringComparison.Ordinal)
                || Path.GetFileName(p) is "chunks" or "assembly" || (Path.GetFileName(Path.GetDirectoryName(p)) == "uploads"))
            .ToList();
        Assert.True(litter.Count == 0, $"left behind: {string.Join(", ", litter)}");

        // No ffmpeg of ours still running once every job is settled.
        var gone = false;
        for (var i = 0; i < 50 && !gone; i++)
        {
            gone = FfmpegProcessesUnder(cluster.Scratch.Path).Count == 0;
            if (!gone) await Task.Delay(200);
        }
        Assert.True(gone, $"ffmpeg still running: {string.Join("\n", FfmpegProcessesUnder(cluster.Scratch.Path).Select(Describe))}\n{Logs(cluster, nodes)}");

        ReliabilityLog.Record($"chaos: {kills.Count} SIGKILLs of random nodes and the seed over {chaosEnded.TotalSeconds:0}s, {jobCount} jobs queued on 3 nodes",
            "cluster connection closed (nodes); journal replay and node rejoin (seed)",
            recovery, $"nothing (every job exact, all settled {(settled - chaosEnded).TotalSeconds:0.0}s after the chaos ended; no temp files, ffmpeg processes or open chunk leases left)",
            nameof(Jobs_should_all_finish_exactly_while_nodes_and_the_seed_are_killed_at_random));
    }

    /// <summary>
    /// Waits until every node is up again and one holds a chunk (true), or every job is settled before that (false):
    /// what "work back in hand" means once the last process killed has come back.
    /// </summary>
    private static async Task<bool> WaitForWorkInHandAsync(HttpClient http, IReadOnlyList<string> names, IReadOnlyList<string> ids, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            try
            {
                var view = await http.GetFromJsonAsync<JsonElement>("/api/cluster", WireJson.Options);
                var nodes = view.GetProperty("nodes").EnumerateArray().ToList();
                var up = names.All(n => nodes.Any(m => m.GetProperty("name").GetString() == n && m.GetProperty("status").GetString() == "up"));
                if (up && nodes.Any(m => m.GetProperty("work").GetArrayLength() > 0)) return true;
                var list = await http.GetFromJsonAsync<JobListResponse>("/api/jobs", WireJson.Options);
                var jobs = list!.Jobs.Where(j => ids.Contains(j.Id)).ToList();
                if (jobs.Count == ids.Count && jobs.All(j => JobStates.IsFinal(j.State))) return false;
            }
            // The seed killed last may still be starting.
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"work not back in hand within {timeout}");
    }

    private static Task<FlockProcess> StartNodeAsync(TestCluster cluster, string name, bool waitForJoin = true)
    {
        var work = cluster.Scratch.File($"work-{name}");
        return cluster.StartNodeAsync(name, waitForJoin: waitForJoin, config: NodeConfig(work));
    }

    /// <summary>Polls the job list, riding out moments when the seed is down, until every job is settled.</summary>
    private static async Task<IReadOnlyList<JobResponse>> WaitForAllAsync(HttpClient http, IReadOnlyList<string> ids, TimeSpan timeout, Func<string> logs)
    {
        var until = DateTime.UtcNow + timeout;
        IReadOnlyList<JobResponse> last = [];
        while (DateTime.UtcNow < until)
        {
            try
            {
                var list = await http.GetFromJsonAsync<JobListResponse>("/api/jobs", WireJson.Options);
                last = list!.Jobs.Where(j => ids.Contains(j.Id)).ToList();
                if (last.Count == ids.Count && last.All(j => JobStates.IsFinal(j.State))) return last;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(500);
        }
        Assert.Fail($"jobs not settled: {string.Join(", ", last.Select(j => $"{j.Id}={j.State}"))}\n{logs()}");
        return last;
    }

    /// <summary>The tail of the seed's log and of each node's: what a failed run needs to be understood.</summary>
    private static string Logs(TestCluster cluster, IReadOnlyDictionary<string, FlockProcess> nodes) =>
        string.Concat(nodes.Select(n => (n.Key, n.Value.Output)).Prepend(("seed", cluster.Seed?.Output ?? ""))
            .Select(p => $"\n{p.Item1}:\n{p.Item2[^Math.Min(6000, p.Item2.Length)..]}"));

    /// <summary>A process by its id, parent and command line: which Flock started it, doing what.</summary>
    private static string Describe(int pid)
    {
        try
        {
            var parent = File.ReadAllText($"/proc/{pid}/stat").Split(' ')[3];
            return $"{pid} (parent {parent}): {File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ')}";
        }
        catch (IOException) { return $"{pid} (gone)"; }
    }

    private static List<int> FfmpegProcessesUnder(string path) =>
        TestCluster.ProcessesMentioning(path).Where(pid =>
        {
            try { return File.ReadAllText($"/proc/{pid}/comm").Trim() is "ffmpeg" or "ffprobe"; }
            catch (IOException) { return false; }
        }).ToList();
}
