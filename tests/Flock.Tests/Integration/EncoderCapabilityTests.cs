using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>A job's chunks go only to nodes whose ffmpeg has the job's encoder.</summary>
public sealed class EncoderCapabilityTests
{
    [Fact]
    public async Task Node_without_the_encoder_should_not_be_given_the_jobs_chunks()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("no-x265", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await WithoutX265Async(cluster) });
        await cluster.StartNodeAsync("has-x265");

        var source = await TestClips.ConstantFrameRateMp4();
        string[] options = ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"];
        var id = await cluster.SubmitDetachedAsync(source, "out.mkv", 1, options);
        var wait = await cluster.PbmAsync("job", "wait", id);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr);
        var chunks = (await cluster.JobAsync(id)).GetProperty("chunks").EnumerateArray().ToList();
        Assert.True(chunks.Count >= 3, $"expected several chunks, got {chunks.Count}");
        Assert.All(chunks, c => Assert.Equal("has-x265", c.GetProperty("node").GetString()));
    }

    [Fact]
    public async Task Job_should_fail_with_its_reason_when_no_connected_node_has_the_encoder()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("no-x265", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await WithoutX265Async(cluster) });
        var source = await TestClips.ConstantFrameRateMp4();
        var id = await cluster.SubmitDetachedAsync(source, "out.mkv", 2, ["-c:v", "libx265", "-x265-params", "log-level=error"]);
        var wait = await cluster.PbmAsync("job", "wait", id);
        Assert.Equal(1, wait.ExitCode);
        var job = await cluster.JobAsync(id);
        Assert.Equal("failed", job.GetProperty("state").GetString());
        Assert.Contains("no connected node can run encoder libx265", job.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    /// <summary>An ffmpeg that does not list libx265, as on a machine built without it.</summary>
    private static async Task<string> WithoutX265Async(TestCluster cluster)
    {
        var wrapper = cluster.Scratch.File("ffmpeg-without-x265");
        await File.WriteAllTextAsync(wrapper,
            "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = -encoders ] && { ffmpeg \"$@\" | grep -v libx265; exit 0; }; done\nexec ffmpeg \"$@\"\n");
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return wrapper;
    }
}
