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

    [Fact]
    public void Two_pass_should_be_taken_with_a_bitrate_target_and_refused_without_one_or_for_an_encoder_that_names_stats_files()
    {
        var options = EncoderOptions.Parse(["-c:v", "libx264", "-b:v", "400k", "-pass", "2"]);
        Assert.True(TwoPass.IsRequested(options.Video));
        Assert.Equal(["-c:v", "libx264", "-b:v", "400k"], TwoPass.Without(options.Video));
        Assert.Equal(["-c:v", "libx264", "-b:v", "400k", "-pass", "1", "-passlogfile", "/w/s"], TwoPass.ForPass(options.Video, 1, "/w/s"));
        Assert.Contains("needs a bitrate target", Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-c:v", "libx264", "-crf", "23", "-pass", "2"])).Message, StringComparison.Ordinal);
        Assert.Contains("not allowed with libsvtav1", Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-c:v", "libsvtav1", "-b:v", "1M", "-pass", "2"])).Message, StringComparison.Ordinal);
        Assert.Contains("Flock runs the first pass", Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-c:v", "libx264", "-b:v", "1M", "-pass", "1"])).Message, StringComparison.Ordinal);
        // The node's own check of an assignment takes what the seed sends for two-pass, and still refuses a stats file.
        EncoderOptions.CheckVideoAssignment(options.Video, null);
        Assert.Throws<MediaException>(() => EncoderOptions.CheckVideoAssignment(TwoPass.ForPass(options.Video, 2, "/etc/x"), null));
    }
}
