using System.Text.Json;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>Nodes coming and going on purpose: `pbm cluster leave`, SIGTERM and `pbm cluster down`, with a job running.</summary>
public sealed class NodeLifecycleTests
{
    private static Func<JsonElement, bool> MidEncodeOn(string node) => j => j.GetProperty("chunks").EnumerateArray().Any(c =>
        c.GetProperty("state").GetString() == "encoding" && c.GetProperty("node").GetString() == node && c.GetProperty("percent").GetDouble() is > 0 and < 80);

    private static async Task<string> StatusAsync(TestCluster cluster, string node) => (await cluster.NodeAsync(node)).GetProperty("status").GetString()!;

    private static async Task AssertCompletedWithEveryFrameAsync(TestCluster cluster, string id)
    {
        var done = await cluster.WaitForJobAsync(id, j => j.GetProperty("state").GetString() is "completed" or "failed", TimeSpan.FromMinutes(5), "the job to end");
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        // The seed verified the joined output frame by frame against the source timeline before calling it completed.
        Assert.Equal(done.GetProperty("totalFrames").GetInt32(), done.GetProperty("encodedFrames").GetInt32());
    }

    [Theory]
    [InlineData("pbm")]
    [InlineData("sigterm")]
    public async Task Node_asked_to_stop_should_finish_its_chunk_pass_leaving_and_exiting_and_exit_0(string how)
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var leaver = await cluster.StartNodeAsync("leaver-a");
        await cluster.StartNodeAsync("stayer-b");
        var source = await ClusterTests.BusyClipAsync(cluster.Scratch);
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 3, ClusterTests.Options);
        var running = await cluster.WaitForJobAsync(id, MidEncodeOn("leaver-a"), TimeSpan.FromMinutes(3), "leaver-a mid-encode");
        var chunk = running.GetProperty("chunks").EnumerateArray().First(c => c.GetProperty("node").GetString() == "leaver-a" && c.GetProperty("state").GetString() == "encoding");
        var index = chunk.GetProperty("index").GetInt32();
        var attempts = chunk.GetProperty("attempts").GetInt32();

        if (how == "pbm")
        {
            var leave = await cluster.PbmAsync("cluster", "leave", "leaver-a");
            Assert.True(leave.ExitCode == 0, leave.Stderr);
            Assert.Equal("leaver-a leaving", leave.Stdout.Trim());
        }
        else
        {
            leaver.Terminate();
        }

        await leaver.WaitForOutputAsync("leaving the cluster", TimeSpan.FromSeconds(30));
        if (!leaver.HasExited) Assert.Contains(await StatusAsync(cluster, "leaver-a"), new[] { "leaving", "exiting" });
        Assert.Equal(0, await leaver.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        Assert.Equal("exiting", await StatusAsync(cluster, "leaver-a"));

        await AssertCompletedWithEveryFrameAsync(cluster, id);
        // It finished the chunk it was encoding rather than throwing the work away.
        var after = (await cluster.JobAsync(id)).GetProperty("chunks")[index];
        Assert.True(after.GetProperty("node").GetString() == "leaver-a", $"chunk {index} should have been finished by leaver-a: {after}\n{leaver.Output}");
        Assert.Equal(attempts, after.GetProperty("attempts").GetInt32());
        Assert.Contains("left the cluster", leaver.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_marked_down_should_lose_its_chunk_at_once_and_stop()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var downed = await cluster.StartNodeAsync("downed-a");
        await cluster.StartNodeAsync("other-b");
        var source = await ClusterTests.BusyClipAsync(cluster.Scratch);
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 3, ClusterTests.Options);
        var running = await cluster.WaitForJobAsync(id, MidEncodeOn("downed-a"), TimeSpan.FromMinutes(3), "downed-a mid-encode");
        var index = running.GetProperty("chunks").EnumerateArray().First(c => c.GetProperty("node").GetString() == "downed-a" && c.GetProperty("state").GetString() == "encoding").GetProperty("index").GetInt32();

        var down = await cluster.PbmAsync("cluster", "down", "downed-a");
        Assert.True(down.ExitCode == 0, down.Stderr);
        Assert.Equal("downed-a down", down.Stdout.Trim());

        // Released at once, not after a heartbeat timeout (seconds): on Akka the queue hears of the down from the
        // membership actor a message later than pbm's reply, so look for up to 1 s.
        var chunk = (await cluster.JobAsync(id)).GetProperty("chunks")[index];
        for (var look = 0; look < 10 && chunk.GetProperty("node").GetString() == "downed-a"; look++)
        {
            await Task.Delay(100);
            chunk = (await cluster.JobAsync(id)).GetProperty("chunks")[index];
        }
        Assert.NotEqual("downed-a", chunk.GetProperty("node").GetString());
        Assert.Equal(0, await downed.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("marked this node down", downed.Output, StringComparison.Ordinal);
        Assert.Equal("down", await StatusAsync(cluster, "downed-a"));

        await AssertCompletedWithEveryFrameAsync(cluster, id);
        var show = await cluster.PbmAsync("cluster", "show");
        Assert.Matches(@"(?m)^[^|]+ \| \[encoder\] \| down \| unreachable \(heartbeat \d+\.\ds ago\) \| downed-a \| \d+\.\d\d \| -$", show.Stdout);
        Assert.Matches(@"(?m)^[^|]+ \| \[encoder\] \| up \| reachable \(heartbeat \d+\.\ds ago\) \| other-b \| \d+\.\d\d \| ", show.Stdout);

        var unknown = await cluster.PbmAsync("cluster", "leave", "no-such-node");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("error: no node no-such-node", unknown.Stderr.Trim());
    }
}
