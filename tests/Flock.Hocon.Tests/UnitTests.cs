namespace Flock.Hocon.Tests;

public class UnitTests
{
    [Theory]
    [InlineData("5s", 5_000)]
    [InlineData("100ms", 100)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("250 ms", 250)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1500", 1_500)]
    [InlineData("0", 0)]
    [InlineData("3 seconds", 3_000)]
    [InlineData("2 minutes", 120_000)]
    [InlineData("1 day", 86_400_000)]
    [InlineData("10 millis", 10)]
    [InlineData("-1s", -1_000)]
    public void Durations_should_parse_value_and_unit(string text, long expectedMilliseconds)
        => Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), Durations.Parse(text));

    [Theory]
    [InlineData("1500us", 15_000)]
    [InlineData("2500ns", 25)]
    [InlineData("1 microsecond", 10)]
    public void Sub_millisecond_durations_should_keep_tick_precision(string text, long ticks)
        => Assert.Equal(TimeSpan.FromTicks(ticks), Durations.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("5 parsecs")]
    [InlineData("five seconds")]
    [InlineData("1.2.3s")]
    [InlineData("99999999999999999999999999d")]
    public void Invalid_durations_should_be_rejected(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Durations.Parse(text));
    }

    [Theory]
    [InlineData("1024", 1024L)]
    [InlineData("10B", 10L)]
    [InlineData("512k", 512L * 1024)]
    [InlineData("512K", 512L * 1024)]
    [InlineData("4Ki", 4L * 1024)]
    [InlineData("4KiB", 4L * 1024)]
    [InlineData("4kB", 4_000L)]
    [InlineData("4KB", 4_000L)]
    [InlineData("64MiB", 64L * 1024 * 1024)]
    [InlineData("64M", 64L * 1024 * 1024)]
    [InlineData("64MB", 64_000_000L)]
    [InlineData("64GiB", 64L * 1024 * 1024 * 1024)]
    [InlineData("10GB", 10_000_000_000L)]
    [InlineData("10 GB", 10_000_000_000L)]
    [InlineData("2TiB", 2L * 1024 * 1024 * 1024 * 1024)]
    [InlineData("1.5KiB", 1536L)]
    [InlineData("3 mebibytes", 3L * 1024 * 1024)]
    [InlineData("3 megabytes", 3_000_000L)]
    [InlineData("7 bytes", 7L)]
    public void Byte_sizes_should_use_binary_and_decimal_units(string text, long expected)
        => Assert.Equal(expected, ByteSizes.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("MiB")]
    [InlineData("-1")]
    [InlineData("5 furlongs")]
    [InlineData("64mib")]
    [InlineData("16EiB")]
    public void Invalid_byte_sizes_should_be_rejected(string text)
    {
        Assert.False(ByteSizes.TryParse(text, out _));
        Assert.Throws<FormatException>(() => ByteSizes.Parse(text));
    }

    [Fact]
    public void Durations_and_sizes_should_be_read_through_the_config()
    {
        var config = HoconConfig.Parse("t = 250 ms\ns = \"1.5 GiB\"\np = 30", _ => null);
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.GetTimeSpan("t"));
        Assert.Equal(1_610_612_736L, config.GetByteSize("s"));
        Assert.Equal(TimeSpan.FromMilliseconds(30), config.GetTimeSpan("p"));
        Assert.Equal(30L, config.GetByteSize("p"));
    }
}
