using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>ffmpeg/ffprobe runs report failures and time-outs clearly.</summary>
public sealed class FfmpegToolTests
{
    [Fact]
    public async Task Failing_ffmpeg_run_should_throw_with_the_command_and_stderr_tail()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"flock-missing-{Guid.NewGuid():N}.mp4");

        var error = await Assert.ThrowsAsync<FfmpegToolException>(() => FfmpegTool.FfmpegAsync(["-i", missing, "-f", "null", "-"]));

        Assert.NotEqual(0, error.ExitCode);
        Assert.Contains("No such file or directory", error.Message, StringComparison.Ordinal);
        Assert.Contains(missing, error.CommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arguments_should_reach_ffmpeg_verbatim_without_a_shell()
    {
        using var scratch = ScratchDirectory.Create();
        var output = scratch.File("it's a \"clip\" $(echo no) ;.mkv");

        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=5:duration=1", "-c:v", "ffv1", output]);

        Assert.Equal(5, (await MediaReport.ReadAsync(output)).VideoFrameCount);
    }

    [Fact]
    public async Task Endless_ffmpeg_run_should_be_killed_at_the_timeout()
    {
        var started = DateTime.UtcNow;

        await Assert.ThrowsAsync<TimeoutException>(() => FfmpegTool.FfmpegAsync(
            ["-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=32x24:rate=5", "-f", "null", "-"],
            TimeSpan.FromSeconds(1)));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(20));
    }
}
