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
        // An ffmpeg that does not list libx265, as on a machine built without it.
        var wrapper = cluster.Scratch.File("ffmpeg-without-x265");
        await File.WriteAllTextAsync(wrapper,
            "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = -encoders ] && { ffmpeg \"$@\" | grep -v libx265; exit 0; }; done\nexec ffmpeg \"$@\"\n");
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await cluster.StartNodeAsync("no-x265", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = wrapper });
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
}
