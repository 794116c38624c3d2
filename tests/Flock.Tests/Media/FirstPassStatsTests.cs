using Flock.Media.Encoding;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>A chunk's need as its x264 first pass at constant quality measures it, from real first passes' statistics.</summary>
public sealed class FirstPassStatsTests
{
    private const string Calm = "testsrc2=size=320x180:rate=25";

    /// <summary>The bits x264's first pass over 2 s of this lavfi picture spent, run with the first-pass options made of these.</summary>
    private static async Task<double?> FirstPassBitsAsync(ScratchDirectory scratch, string picture, string rate)
    {
        var prefix = scratch.File($"pass-{Guid.NewGuid():N}");
        var options = FirstPassStats.ConstantQuality(["-c:v", "libx264", "-preset", "veryfast", "-b:v", rate, "-maxrate", "2M", "-bufsize", "4M"]);
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-t", "2", "-i", picture,
            .. options, "-pass", "1", "-passlogfile", prefix, "-threads", "1", "-f", "null", "-"]);
        return FirstPassStats.X264Bits(await File.ReadAllTextAsync(prefix + "-0.log"));
    }

    [Fact]
    public async Task A_noisy_chunk_should_need_more_bits_than_a_calm_one_of_the_same_length()
    {
        using var scratch = ScratchDirectory.Create("flock-first-pass");
        var calm = await FirstPassBitsAsync(scratch, Calm, "300k");
        var noisy = await FirstPassBitsAsync(scratch, Calm + ",noise=alls=40:allf=t+u", "300k");
        Assert.NotNull(calm);
        Assert.NotNull(noisy);
        Assert.True(noisy > 1.5 * calm, $"noisy {noisy}, calm {calm}");
    }

    [Fact]
    public async Task A_first_pass_should_measure_the_same_whatever_rate_its_chunk_was_handed_out_with()
    {
        // Chunks go out with different shares of the target; a first pass that aimed at its share would spend about
        // that share, and measure nothing.
        using var scratch = ScratchDirectory.Create("flock-first-pass-rate");
        Assert.Equal(await FirstPassBitsAsync(scratch, Calm, "200k"), await FirstPassBitsAsync(scratch, Calm, "800k"));
    }

    [Fact]
    public void The_first_pass_should_keep_every_option_but_the_bitrate_target()
    {
        Assert.Equal(["-c:v", "libx264", "-maxrate", "2M", "-bufsize", "4M", "-crf", FirstPassStats.FirstPassCrf],
            FirstPassStats.ConstantQuality(["-c:v", "libx264", "-b:v", "500k", "-maxrate", "2M", "-bufsize", "4M"]));
    }

    [Fact]
    public void Statistics_that_are_not_x264_text_should_measure_nothing()
    {
        Assert.Null(FirstPassStats.X264Bits(""));
        Assert.Null(FirstPassStats.X264Bits("\u0001\u0002binary vp9 first-pass stats"));
    }
}
