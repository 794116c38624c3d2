using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Probing;

/// <summary>Time bases as ffprobe writes them, and conversions that must not move a frame.</summary>
public sealed class TimeBaseTests
{
    [Fact]
    public void TimeBase_should_parse_what_ffprobe_writes()
    {
        Assert.Equal(new TimeBase(1001, 30000), TimeBase.Parse("1001/30000"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("25")]
    [InlineData("1/0")]
    [InlineData("0/1")]
    [InlineData("-1/25")]
    [InlineData("1/2/3")]
    [InlineData("a/b")]
    public void TimeBase_should_refuse_text_that_is_not_a_positive_fraction(string text)
    {
        Assert.Throws<FormatException>(() => TimeBase.Parse(text));
    }

    [Fact]
    public void TimeBase_should_convert_ticks_to_seconds()
    {
        Assert.Equal(0.04, new TimeBase(1, 12800).ToSeconds(512), precision: 12);
        Assert.Equal(1.001, new TimeBase(1001, 30000).ToSeconds(30), precision: 12);
    }

    [Fact]
    public void TimeBase_should_write_seconds_to_the_microsecond_for_ffmpeg()
    {
        Assert.Equal("0.040000", new TimeBase(1, 12800).ToSecondsText(512));
        // 1/3 s rounds to the nearest microsecond, not down.
        Assert.Equal("0.333333", new TimeBase(1, 3).ToSecondsText(1));
        Assert.Equal("0.666667", new TimeBase(1, 3).ToSecondsText(2));
    }

    [Fact]
    public void TimeBase_should_print_as_a_fraction()
    {
        Assert.Equal("1/12800", new TimeBase(1, 12800).ToString());
    }
}
