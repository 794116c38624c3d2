using System.Text.Json;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>The seed as a service: stopped by SIGTERM mid-job it exits 0 with its journal intact, and the job finishes after a restart.</summary>
public sealed class SeedLifecycleTests
{
    [Fact]
    public async Task Seed_with_local_node_on_should_encode_a_job_alone_and_stop_cleanly_on_sigterm()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync(env: new Dictionary<string, string> { ["FLOCK_LOCAL_NODE"] = "on", ["FLOCK_NODE_NAME"] = "seed-local-node" });
        await seed.WaitForOutputAsync("joined the seed", TimeSpan.FromSeconds(30));
        var source = await TestClips.ConstantFrameRateMp4();
        var output = cluster.Scratch.File("local.mp4");

        var submit = await cluster.PbmAsync(["job", "submit", source, output, "--chunk-seconds", "2", "--", .. ReferenceEncode.DefaultVideoOptions]);

        Assert.True(submit.ExitCode == 0, submit.Stdout + submit.Stderr);
        var reference = await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), [.. ReferenceEncode.DefaultVideoOptions]);
        await MediaComparer.AssertEquivalentAsync(reference, output);
        var node = await cluster.NodeAsync("seed-local-node");
        Assert.Equal("up", node.GetProperty("status").GetString());
        Assert.Equal(1, JsonDocument.Parse((await cluster.PbmAsync("cluster", "show", "--json")).Stdout).RootElement.GetProperty("nodes").GetArrayLength());

        seed.Terminate();
        Assert.Equal(0, await seed.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("left the cluster", seed.Output, StringComparison.Ordinal);
        Assert.Contains("seed stopping", seed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_given_sigterm_mid_job_should_exit_0_and_resume_the_job_after_a_restart()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("resume-a");
        var source = await ClusterTests.BusyClipAsync(cluster.Scratch);
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 3, ClusterTests.Options);
        var before = await cluster.WaitForJobAsync(id,
            j => j.GetProperty("chunks").EnumerateArray().Any(c => c.GetProperty("state").GetString() == "done"), TimeSpan.FromMinutes(3), "a verified chunk");
        var verified = before.GetProperty("chunks").EnumerateArray().Where(c => c.GetProperty("state").GetString() == "done")
            .Select(c => c.GetProperty("index").GetInt32()).ToList();

        seed.Terminate();
        Assert.Equal(0, await seed.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("seed stopping", seed.Output, StringComparison.Ordinal);
        // The node's connection was closed by the seed as it stopped, not left for Kestrel's 30 s shutdown timeout.
        Assert.Contains("node resume-a is down: seed stopping", seed.Output, StringComparison.Ordinal);

        var restarted = await cluster.StartSeedAsync();
        // One job in the journal, and it is named as resumed with the stage it was in.
        await restarted.WaitForOutputAsync($"resuming job {id} (encoding)", TimeSpan.FromMinutes(1));
        Assert.Contains("1 job in the journal", restarted.Output, StringComparison.Ordinal);
        var done = await cluster.WaitForJobAsync(id, j => j.GetProperty("state").GetString() is "completed" or "failed", TimeSpan.FromMinutes(5), "the job to end after the restart");
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        Assert.Equal(done.GetProperty("totalFrames").GetInt32(), done.GetProperty("encodedFrames").GetInt32());
        // What was verified before the stop was journalled and kept: one attempt, never encoded again.
        foreach (var index in verified)
            Assert.Equal(before.GetProperty("chunks")[index].GetProperty("attempts").GetInt32(), done.GetProperty("chunks")[index].GetProperty("attempts").GetInt32());
    }
}
