using Flock.Media.Processes;
using Xunit;

namespace Flock.Tests.Unit.Processes;

/// <summary>Reading ffmpeg's -progress stream: one report per block, closed by its progress= line.</summary>
public sealed class FfmpegProgressParserTests
{
    [Fact]
    public void Parser_should_report_the_latest_frame_and_fps_at_each_progress_line()
    {
        var parser = new FfmpegProgressParser();

        Assert.Null(parser.Feed("frame=48"));
        Assert.Null(parser.Feed("fps=23.97"));
        Assert.Null(parser.Feed("out_time_us=2000000"));
        Assert.Equal(new FfmpegProgress(48, 23.97, false), parser.Feed("progress=continue"));

        Assert.Null(parser.Feed("frame=96"));
        Assert.Null(parser.Feed("fps=24.5"));
        Assert.Equal(new FfmpegProgress(96, 24.5, false), parser.Feed("progress=continue"));
    }

    [Fact]
    public void Parser_should_mark_the_last_report_as_ended()
    {
        var parser = new FfmpegProgressParser();
        parser.Feed("frame=250");

        Assert.Equal(new FfmpegProgress(250, 0, true), parser.Feed("progress=end"));
    }

    [Fact]
    public void Parser_should_keep_values_from_earlier_blocks_that_were_not_repeated()
    {
        var parser = new FfmpegProgressParser();
        parser.Feed("frame=10");
        parser.Feed("fps=30");
        parser.Feed("progress=continue");
        parser.Feed("frame=20");

        Assert.Equal(new FfmpegProgress(20, 30, false), parser.Feed("progress=continue"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("=continue")]
    [InlineData("frame=N/A")]
    [InlineData("fps=nan-ish")]
    [InlineData("[libx264 @ 0x55] frame I:1 Avg QP:20.00 size: 1234")]
    public void Parser_should_ignore_junk_lines(string junk)
    {
        var parser = new FfmpegProgressParser();
        parser.Feed("frame=12");
        parser.Feed("fps=25");

        Assert.Null(parser.Feed(junk));
        Assert.Equal(new FfmpegProgress(12, 25, false), parser.Feed("progress=continue"));
    }

    [Fact]
    public void Parser_should_tolerate_spaces_around_keys_and_values()
    {
        var parser = new FfmpegProgressParser();
        parser.Feed("frame=  77");
        parser.Feed(" fps = 12.5 ");

        Assert.Equal(new FfmpegProgress(77, 12.5, true), parser.Feed("progress=end "));
    }
}
