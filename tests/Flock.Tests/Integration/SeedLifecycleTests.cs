using System.Text.Json;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>The seed as a service: stopped by SIGTERM mid-job it exits 0 with its journal intact, and the job finishes after a restart.</summary>
public sealed class SeedLifecycleTests
{
    private static readonly string[] SlowOptions = ["-c:v", "libx264", "-preset", "medium", "-crf", "23", "-threads", "1"];

    [Fact]
    public async Task Seed_given_sigterm_mid_job_should_exit_0_and_resume_the_job_after_a_restart()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("resume-a");
        var source = await LiveProgressTests.BusyClipAsync(cluster.Scratch);
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 3, SlowOptions);
        var before = await cluster.WaitForJobAsync(id,
            j => j.GetProperty("chunks").EnumerateArray().Any(c => c.GetProperty("state").GetString() == "done"), TimeSpan.FromMinutes(3), "a verified chunk");
        var verified = before.GetProperty("chunks").EnumerateArray().Where(c => c.GetProperty("state").GetString() == "done")
            .Select(c => c.GetProperty("index").GetInt32()).ToList();

        seed.Terminate();
        Assert.Equal(0, await seed.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("seed stopping", seed.Output, StringComparison.Ordinal);

        await cluster.StartSeedAsync();
        var done = await cluster.WaitForJobAsync(id, j => j.GetProperty("state").GetString() is "completed" or "failed", TimeSpan.FromMinutes(5), "the job to end after the restart");
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        Assert.Equal(done.GetProperty("totalFrames").GetInt32(), done.GetProperty("encodedFrames").GetInt32());
        // What was verified before the stop was journalled and kept: one attempt, never encoded again.
        foreach (var index in verified)
            Assert.Equal(before.GetProperty("chunks")[index].GetProperty("attempts").GetInt32(), done.GetProperty("chunks")[index].GetProperty("attempts").GetInt32());
    }
}
