using Flock.Media.Options;
using Flock.Media.Processes;
using Xunit;

namespace Flock.Tests.Unit.Options;

/// <summary>Options that would break exact chunking or reach outside the job are refused, naming the option.</summary>
public sealed class EncoderOptionsRefusalTests
{
    [Theory]
    [InlineData("-i", "other.mp4")]
    [InlineData("-f", "matroska")]
    [InlineData("-map", "0:v")]
    [InlineData("-r", "30")]
    [InlineData("-r:v", "30")]
    [InlineData("-vsync", "cfr")]
    [InlineData("-fps_mode", "cfr")]
    [InlineData("-filter_complex", "[0:v]scale=640:-2")]
    [InlineData("-ss", "10")]
    [InlineData("-t", "5")]
    [InlineData("-frames:v", "100")]
    [InlineData("-pass", "1")]
    [InlineData("-passlogfile", "/tmp/stats")]
    [InlineData("-y", "1")]
    public void Refused_option_should_throw_naming_it(string key, string value)
    {
        var e = Assert.Throws<MediaException>(() => EncoderOptions.Parse([key, value, "-crf", "20"]));

        Assert.Contains(key, e.Message);
    }

    [Theory]
    [InlineData("-an")]
    [InlineData("-vn")]
    [InlineData("-sn")]
    public void Refused_flag_should_throw_naming_it_even_without_a_value(string flag)
    {
        var e = Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-crf", "20", flag]));

        Assert.Contains(flag, e.Message);
        Assert.DoesNotContain("needs a value", e.Message);
    }

    [Theory]
    [InlineData("-c:v")]
    [InlineData("-vcodec")]
    public void Stream_copy_should_be_refused(string key)
    {
        var e = Assert.Throws<MediaException>(() => EncoderOptions.Parse([key, "copy"]));

        Assert.Contains("-c:v copy", e.Message);
    }

    [Fact]
    public void Option_without_a_value_should_throw_naming_it()
    {
        var e = Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-c:v", "libx264", "-crf"]));

        Assert.Contains("-crf", e.Message);
        Assert.Contains("needs a value", e.Message);
    }

    [Theory]
    [InlineData("libx264")]
    [InlineData("-")]
    public void Bare_word_should_throw_naming_it(string word)
    {
        var e = Assert.Throws<MediaException>(() => EncoderOptions.Parse([word, "-crf", "20"]));

        Assert.Contains($"'{word}'", e.Message);
    }

    [Theory]
    [InlineData("-c")]
    [InlineData("-codec")]
    public void Codec_without_a_stream_should_be_ambiguous(string key)
    {
        var e = Assert.Throws<MediaException>(() => EncoderOptions.Parse([key, "libx264"]));

        Assert.Contains("ambiguous", e.Message);
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void Stream_copy_under_another_video_stream_specifier_should_be_refused()
    {
        // ffmpeg takes the last -c for a stream: [-c:v libx264 ... -c:V copy] copies the video.
        Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-c:V", "copy"]));
    }
}
