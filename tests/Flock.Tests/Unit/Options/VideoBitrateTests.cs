using Flock.Media.Options;
using Flock.Media.Processes;
using Xunit;

namespace Flock.Tests.Unit.Options;

public sealed class VideoBitrateTests
{
    [Theory]
    [InlineData("500k", 500_000)]
    [InlineData("1.5M", 1_500_000)]
    [InlineData("2000000", 2_000_000)]
    [InlineData("1Ki", 1024)]
    [InlineData("8KB", 64_000)]
    public void Rates_should_be_read_as_ffmpeg_reads_them(string text, long bitsPerSecond) => Assert.Equal(bitsPerSecond, VideoBitrate.Parse(text));

    [Fact]
    public void A_rate_ffmpeg_would_not_read_should_be_refused_with_its_text() =>
        Assert.Contains("'fast'", Assert.Throws<MediaException>(() => VideoBitrate.Parse("fast")).Message, StringComparison.Ordinal);

    [Fact]
    public void Only_options_that_aim_at_a_bitrate_should_have_a_target()
    {
        Assert.Equal(500_000, VideoBitrate.TargetOf(["-c:v", "libx264", "-b:v", "500k"]));
        Assert.Equal(300_000, VideoBitrate.TargetOf(["-c:v", "libvpx-vp9", "-b", "300k"]));
        // A quality target with a bitrate beside it (x264's capped CRF, VP9's constant quality with -b:v 0) is not a bitrate target.
        Assert.Null(VideoBitrate.TargetOf(["-c:v", "libx264", "-crf", "23", "-b:v", "2M"]));
        Assert.Null(VideoBitrate.TargetOf(["-c:v", "libvpx-vp9", "-b:v", "0"]));
        Assert.Null(VideoBitrate.TargetOf(["-c:v", "libx264", "-preset", "fast"]));
    }

    [Fact]
    public void A_chunk_target_should_replace_the_rate_and_keep_every_other_option()
    {
        string[] options = ["-c:v", "libx264", "-b:v", "500k", "-maxrate", "800k", "-bufsize", "1M"];
        Assert.Equal(["-c:v", "libx264", "-b:v", "612000", "-maxrate", "800k", "-bufsize", "1M"], VideoBitrate.WithTarget(options, 612_000));
        Assert.Equal(800_000, VideoBitrate.MaxRateOf(options));
    }
}
