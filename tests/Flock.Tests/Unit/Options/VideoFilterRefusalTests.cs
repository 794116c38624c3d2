using Flock.Media.Options;
using Flock.Media.Processes;
using Xunit;

namespace Flock.Tests.Unit.Options;

/// <summary>
/// A user's filter runs on nodes and on the seed: filters that read files or change which frames exist are refused,
/// naming the filter, wherever they sit in the graph.
/// </summary>
public sealed class VideoFilterRefusalTests
{
    [Theory]
    [InlineData("movie=x.mp4", "movie")]
    [InlineData("scale=640:-2,subtitles=a.srt", "subtitles")]
    [InlineData("[in]lut3d=grade.cube[out]", "lut3d")]
    [InlineData("scale=640:-2; sendcmd=f=cmds.txt", "sendcmd")]
    [InlineData("select=eq(n\\,0)", "select")]
    [InlineData("setpts=0.5*PTS", "setpts")]
    [InlineData("fps=30", "fps")]
    [InlineData("hflip,trim=start=1", "trim")]
    public void Refused_filter_should_throw_naming_it(string graph, string filter)
    {
        var e = Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-vf", graph]));

        Assert.Contains($"'{filter}'", e.Message);
    }

    [Theory]
    [InlineData("scale=640:-2")]
    [InlineData("crop=iw/2:ih:0:0,hflip")]
    [InlineData("unsharp=5:5:1.0")]
    public void Harmless_filter_should_be_kept_as_written(string graph)
    {
        Assert.Equal(graph, EncoderOptions.Parse(["-vf", graph]).VideoFilter);
    }

    [Fact]
    public void Refused_filter_should_be_caught_under_filter_v_too()
    {
        Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-filter:v", "movie=x.mp4"]));
    }

    [Fact]
    public void File_reading_filter_with_an_instance_name_should_be_refused()
    {
        Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-vf", "movie@x=/etc/secret.mp4,[in]overlay"]));
    }

    [Theory]
    [InlineData("-filter", "select=lt(n\\,5)")]
    [InlineData("-filter:V", "movie=x.mp4,[in]overlay")]
    public void Refused_filter_should_be_caught_under_any_filter_option(string key, string graph)
    {
        Assert.Throws<MediaException>(() => EncoderOptions.Parse([key, graph]));
    }

    [Theory]
    [InlineData("-af", "amovie=/etc/secret.wav")]
    [InlineData("-filter:a", "amovie=/etc/secret.wav")]
    public void File_reading_audio_filter_should_be_refused(string key, string graph)
    {
        Assert.Throws<MediaException>(() => EncoderOptions.Parse([key, graph]));
    }
}
