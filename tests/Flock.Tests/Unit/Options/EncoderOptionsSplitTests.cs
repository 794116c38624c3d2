using Flock.Media.Options;
using Xunit;

namespace Flock.Tests.Unit.Options;

/// <summary>User options split into what nodes apply per chunk (video) and what the seed applies once (audio, subtitles).</summary>
public sealed class EncoderOptionsSplitTests
{
    [Fact]
    public void No_options_should_mean_x264_medium_crf_23()
    {
        var options = EncoderOptions.Parse([]);

        Assert.Equal(["-c:v", "libx264", "-preset", "medium", "-crf", "23"], options.Video);
        Assert.Equal("libx264", options.VideoEncoder);
        Assert.Empty(options.Audio);
        Assert.Empty(options.Subtitle);
        Assert.Null(options.VideoFilter);
    }

    [Fact]
    public void Video_codec_and_its_options_should_go_to_the_nodes()
    {
        var options = EncoderOptions.Parse(["-c:v", "libx265", "-crf", "28"]);

        Assert.Equal(["-c:v", "libx265", "-crf", "28"], options.Video);
        Assert.Equal("libx265", options.VideoEncoder);
        Assert.Empty(options.Audio);
    }

    [Theory]
    [InlineData("-vcodec")]
    [InlineData("-codec:v")]
    [InlineData("-c:v:0")]
    public void Video_codec_spellings_should_all_become_c_v(string key)
    {
        var options = EncoderOptions.Parse([key, "libsvtav1"]);

        Assert.Equal(["-c:v", "libsvtav1"], options.Video);
        Assert.Equal("libsvtav1", options.VideoEncoder);
    }

    [Fact]
    public void Encoder_options_alone_should_get_the_default_encoder_in_front()
    {
        var options = EncoderOptions.Parse(["-crf", "18", "-preset", "slow"]);

        Assert.Equal(["-c:v", "libx264", "-crf", "18", "-preset", "slow"], options.Video);
        Assert.Equal("libx264", options.VideoEncoder);
    }

    [Fact]
    public void Audio_options_should_go_to_the_seed()
    {
        var options = EncoderOptions.Parse(["-c:a", "aac", "-b:a", "128k", "-ac", "2", "-c:v", "libx264"]);

        Assert.Equal(["-c:a", "aac", "-b:a", "128k", "-ac", "2"], options.Audio);
        Assert.Equal(["-c:v", "libx264"], options.Video);
    }

    [Fact]
    public void Subtitle_options_should_go_to_the_seed()
    {
        var options = EncoderOptions.Parse(["-c:s", "mov_text"]);

        Assert.Equal(["-c:s", "mov_text"], options.Subtitle);
        Assert.DoesNotContain("mov_text", options.Video);
    }

    [Fact]
    public void Video_filter_should_be_kept_apart_from_the_video_options()
    {
        var options = EncoderOptions.Parse(["-vf", "scale=640:-2", "-crf", "20"]);

        Assert.Equal("scale=640:-2", options.VideoFilter);
        Assert.DoesNotContain("-vf", options.Video);
        Assert.DoesNotContain("scale=640:-2", options.Video);
    }

    [Fact]
    public void Filter_v_should_be_a_video_filter_too()
    {
        Assert.Equal("hflip", EncoderOptions.Parse(["-filter:v", "hflip"]).VideoFilter);
    }
}
