using Flock.Media.Probing;
using Flock.Seed.Planning;
using Xunit;

namespace Flock.Tests.Unit.Planning;

/// <summary>What the seed says about a source whose frames end early, and how it quotes ffmpeg.</summary>
public sealed class SourceCheckTests
{
    private static MediaInfo Declaring(double seconds) => new("matroska,webm", 0, seconds, [], 0);

    [Fact]
    public void A_source_cut_off_after_its_header_should_get_a_warning_saying_how_much_was_there()
    {
        // 176 frames at 25 fps of a file that declares 30 s.
        var timeline = Timelines.ConstantRate(frames: 176, keyframeEvery: 50);

        var warning = SourceChecks.ShortfallWarning(timeline, Declaring(30), 0);

        Assert.NotNull(warning);
        Assert.Contains("declares 30.0s", warning, StringComparison.Ordinal);
        Assert.Contains("end at 7.0s (23% of it, 176 frames)", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30.0)]
    [InlineData(30.04)]
    [InlineData(30.9)] // less than a second short: container rounding and trailing audio, not a cut
    public void A_whole_source_should_get_no_warning(double declared) =>
        Assert.Null(SourceChecks.ShortfallWarning(Timelines.ConstantRate(frames: 750, keyframeEvery: 50), Declaring(declared), 0));

    [Fact]
    public void Ffmpegs_reason_should_be_quoted_without_the_file_name()
    {
        Assert.Equal("corrupt input packet in stream 0", SourceChecks.Reason("/data/in/clip.mp4: corrupt input packet in stream 0", "/data/in/clip.mp4"));
        Assert.Equal("corrupt input packet in stream 0", SourceChecks.Reason("clip.mp4: corrupt input packet in stream 0", "/data/in/clip.mp4"));
        Assert.Equal("Invalid data found", SourceChecks.Reason("Invalid data found", "/data/in/clip.mp4"));
    }
}
