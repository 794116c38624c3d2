using System.Text.Json;
using System.Text.RegularExpressions;
using Flock.Media.Storage;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>A real seed and real nodes as processes: joining, pbm, and surviving a node or the seed dying mid-job.</summary>
public sealed class ClusterTests
{
    internal static readonly string[] Options = ["-c:v", "libx264", "-preset", "medium", "-crf", "23", "-threads", "1"];

    /// <summary>Long enough (12 s of 640x360 at x264 medium) that a kill lands while chunks are being encoded.</summary>
    internal static async Task<string> BusyClipAsync(ScratchDirectory scratch, int seconds = 12)
    {
        var path = scratch.File("busy.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", $"testsrc2=s=640x360:r=25:d={seconds}", "-f", "lavfi", "-i", $"sine=d={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "2", "-c:a", "aac", "-shortest", path]);
        return path;
    }

    [Fact]
    public async Task Pbm_should_submit_a_job_and_fetch_an_exact_output()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("node-a");
        var source = await TestClips.ConstantFrameRateMp4();
        var output = cluster.Scratch.File("pbm-out.mp4");
        var submit = await cluster.PbmAsync(["job", "submit", source, output, "--chunk-seconds", "2", "--", .. ReferenceEncode.DefaultVideoOptions]);
        Assert.True(submit.ExitCode == 0, submit.Stdout + submit.Stderr);
        var reference = await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), [.. ReferenceEncode.DefaultVideoOptions]);
        await MediaComparer.AssertEquivalentAsync(reference, output);
        // Attached, submit shows what job watch shows, down to the final size: the file it then wrote.
        var size = DiskSpace.Format(new FileInfo(output).Length);
        Assert.Matches($@"(?m)^\S+ completed \[#{{10}}\] 100\.0% \(\d+/\d+ frames, \d+/\d+ chunks\) \| now -, avg (\d+\.\d fps|-) \| elapsed \d+(m\d\ds|s) \| eta 0s \| size {Regex.Escape(size)}$", submit.Stdout);

        var list = await cluster.PbmAsync("job", "list", "--json");
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Equal("completed", JsonDocument.Parse(list.Stdout).RootElement.GetProperty("jobs")[0].GetProperty("state").GetString());

        var show = await cluster.PbmAsync("cluster", "show");
        Assert.True(show.ExitCode == 0, show.Stderr);
        // Rows lead with the Akka address and roles: the seed's member, and node-a on its own member's row.
        Assert.Contains(show.Stdout.Split('\n'), row => row.StartsWith("akka.ssl.tcp://flock@127.0.0.1:", StringComparison.Ordinal) && row.Contains(" | [seed] | up | ", StringComparison.Ordinal));
        Assert.Contains(show.Stdout.Split('\n'), row => row.Contains(" | [encoder] | up | ", StringComparison.Ordinal) && row.Contains(" | node-a | ", StringComparison.Ordinal));
        Assert.Matches(@"(?m)^Count: \d+ nodes$", show.Stdout);
        var json = JsonDocument.Parse((await cluster.PbmAsync("cluster", "show", "--json")).Stdout).RootElement;
        var node = json.GetProperty("nodes")[0];
        Assert.Equal("node-a", node.GetProperty("name").GetString());
        Assert.Equal("up", node.GetProperty("status").GetString());
        Assert.True(node.GetProperty("power").GetDouble() > 0, "the join benchmark should give the node a power");
    }

    [Fact]
    public async Task Node_with_a_wrong_cluster_key_should_be_refused_on_both_sides()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        var intruder = await cluster.StartNodeAsync("intruder", key: "not-the-key", waitForJoin: false);
        await intruder.WaitForOutputAsync("wrong cluster key", TimeSpan.FromSeconds(30));
        await seed.WaitForOutputAsync("wrong cluster key", TimeSpan.FromSeconds(10));
        for (var i = 0; i < 50 && !intruder.HasExited; i++) await Task.Delay(100);
        Assert.True(intruder.HasExited, "a refused node should stop, not retry forever");
        // The intruder got no certificate either: the seed's own member is all there is.
        var show = await cluster.PbmAsync("cluster", "show");
        Assert.Contains("Count: 1 node", show.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("intruder", show.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_killed_mid_encode_should_not_lose_the_chunk()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var victim = await cluster.StartNodeAsync("node-a");
        await cluster.StartNodeAsync("node-b");
        var source = await BusyClipAsync(cluster.Scratch);
        var output = cluster.Scratch.File("out.mp4");
        var id = await cluster.SubmitDetachedAsync(source, output, 3, Options);

        // Kill while node-a is truly mid-chunk (some of its 75 frames encoded, far from all), not as it uploads.
        static bool MidEncodeOnA(JsonElement c) => c.GetProperty("state").GetString() == "encoding" && c.GetProperty("node").GetString() == "node-a"
            && c.GetProperty("frames").GetInt32() is > 0 and < 60;
        var running = await cluster.WaitForJobAsync(id, j => j.GetProperty("chunks").EnumerateArray().Any(MidEncodeOnA), TimeSpan.FromMinutes(2), "node-a mid-encode");
        var lost = running.GetProperty("chunks").EnumerateArray().First(MidEncodeOnA).GetProperty("index").GetInt32();
        var attempts = running.GetProperty("chunks")[lost].GetProperty("attempts").GetInt32();
        victim.KillHard();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await cluster.WaitForJobAsync(id, j => j.GetProperty("chunks")[lost].GetProperty("attempts").GetInt32() > attempts, TimeSpan.FromMinutes(2), "the lost chunk reassigned");
        var recovery = clock.Elapsed;

        var wait = await cluster.PbmAsync("job", "wait", id);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr);
        var job = await cluster.JobAsync(id);
        var chunk = job.GetProperty("chunks")[lost];
        Assert.Equal("done", chunk.GetProperty("state").GetString());
        Assert.Equal("node-b", chunk.GetProperty("node").GetString());
        Assert.True(chunk.GetProperty("attempts").GetInt32() >= 2, $"the lost chunk should have been encoded again: {chunk}");
        var fetch = await cluster.PbmAsync("job", "fetch", id, output);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);

        var reference = await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), Options);
        await MediaComparer.AssertEquivalentAsync(reference, output);
        ReliabilityLog.Record("node SIGKILLed while encoding", "its cluster connection, closed by its kernel", recovery, "nothing",
            nameof(Node_killed_mid_encode_should_not_lose_the_chunk));
    }

    [Fact]
    public async Task Seed_killed_mid_job_should_resume_without_encoding_verified_chunks_again()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        var node = await cluster.StartNodeAsync("node-a");
        var source = await BusyClipAsync(cluster.Scratch);
        var output = cluster.Scratch.File("out.mp4");
        var id = await cluster.SubmitDetachedAsync(source, output, 1, Options);

        var before = await cluster.WaitForJobAsync(id, j => j.GetProperty("chunks").EnumerateArray().Count(c => c.GetProperty("state").GetString() == "done") >= 2,
            TimeSpan.FromMinutes(2), "two verified chunks");
        var verified = before.GetProperty("chunks").EnumerateArray().Where(c => c.GetProperty("state").GetString() == "done")
            .Select(c => c.GetProperty("index").GetInt32()).ToList();
        var chunkCount = before.GetProperty("chunks").GetArrayLength();
        seed.KillHard();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var restarted = await cluster.StartSeedAsync();
        // Only chunks in flight come back as actors: the verified ones are summaries in the job's journal, the others plan lines.
        await restarted.WaitForOutputAsync("chunks verified from the job's journal", TimeSpan.FromMinutes(1));
        var line = System.Text.RegularExpressions.Regex.Match(restarted.Output, @"(\d+) chunk actors recovering, (\d+) chunks verified from the job's journal, (\d+) never started");
        Assert.True(line.Success, restarted.Output);
        var (actors, summaries, unstarted) = (int.Parse(line.Groups[1].Value), int.Parse(line.Groups[2].Value), int.Parse(line.Groups[3].Value));
        Assert.Equal(chunkCount, actors + summaries + unstarted);
        Assert.True(summaries >= verified.Count, $"{summaries} summaries for {verified.Count} verified chunks");
        // Back in hand once the node has rejoined the restarted seed (it then uploads or continues what it held).
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!node.Output.Split("lost the seed").Last().Contains("joined the seed", StringComparison.Ordinal) && DateTime.UtcNow < until) await Task.Delay(50);
        var recovery = clock.Elapsed;
        // Every chunk actor reads its state back from the journal; until then the job says how many are still at it.
        var whole = await cluster.WaitForJobAsync(id, j => j.GetProperty("state").GetString() == "completed"
            || (j.TryGetProperty("recoveringChunks", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.Number && r.GetInt32() == 0),
            TimeSpan.FromMinutes(1), "every chunk recovered");
        Assert.All(verified, index => Assert.Equal("done", whole.GetProperty("chunks")[index].GetProperty("state").GetString()));
        var wait = await cluster.PbmAsync("job", "wait", id);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr + "\nseed:\n" + cluster.Seed!.Output + "\nnode:\n" + node.Output);
        var job = await cluster.JobAsync(id);
        foreach (var index in verified)
            Assert.Equal(1, job.GetProperty("chunks")[index].GetProperty("attempts").GetInt32());
        Assert.Contains("joined the seed", node.Output.Split("lost the seed").Last(), StringComparison.Ordinal);
        var fetch = await cluster.PbmAsync("job", "fetch", id, output);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);

        var reference = await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), Options);
        await MediaComparer.AssertEquivalentAsync(reference, output);
        ReliabilityLog.Record("seed SIGKILLed mid-job and restarted on the same data dir", "nodes' cluster connections break; each starts a fresh member, enrolls again and rejoins",
            recovery, "nothing (chunks verified before the crash not encoded again)", nameof(Seed_killed_mid_job_should_resume_without_encoding_verified_chunks_again));
    }
}
