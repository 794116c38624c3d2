using Flock.Node.Connection;
using Xunit;

namespace Flock.Tests.Unit.Node;

/// <summary>A source stream's window holds half a second of the link: wide on a fast link far away, narrow on a slow one.</summary>
public sealed class StreamWindowTests
{
    private const double MB = 1_000_000;

    [Fact]
    public void A_new_window_should_be_narrow_until_a_fetch_is_measured()
    {
        Assert.Equal(StreamWindow.Narrowest, new StreamWindow().Elements);
    }

    [Fact]
    public void A_fast_link_should_widen_the_window_a_step_per_fetch()
    {
        var window = new StreamWindow();
        // 8 elements per 100 ms round trip: the window's own limit, 5 MB/s.
        window.Measured(4 * (long)MB, TimeSpan.FromSeconds(0.8));
        Assert.Equal(16, window.Elements);
        window.Measured(4 * (long)MB, TimeSpan.FromSeconds(0.4));
        Assert.Equal(32, window.Elements);
        window.Measured(40 * (long)MB, TimeSpan.FromSeconds(0.4));
        Assert.Equal(StreamWindow.Widest, window.Elements);
    }

    [Fact]
    public void A_slow_link_should_keep_the_window_at_half_a_second_of_it()
    {
        var window = new StreamWindow();
        window.Measured(4 * (long)MB, TimeSpan.FromSeconds(0.4));
        Assert.Equal(16, window.Elements);
        // A 1 MB/s uplink: 8 elements (512 KiB) are already half a second of it.
        window.Measured(2 * (long)MB, TimeSpan.FromSeconds(2));
        Assert.Equal(8, window.Elements);
        Assert.Equal(8, StreamWindow.For(1 * MB, 32));
        Assert.Equal(16, StreamWindow.For(2.2 * MB, 32));
    }

    [Fact]
    public void A_fetch_too_small_to_measure_the_link_should_change_nothing()
    {
        var window = new StreamWindow();
        window.Measured(StreamWindow.SmallestMeasured - 1, TimeSpan.FromMilliseconds(1));
        Assert.Equal(StreamWindow.Narrowest, window.Elements);
    }

    [Fact]
    public void A_new_session_should_start_narrow_again()
    {
        var window = new StreamWindow();
        window.Measured(40 * (long)MB, TimeSpan.FromSeconds(0.1));
        Assert.True(window.Elements > StreamWindow.Narrowest);
        window.Reset();
        Assert.Equal(StreamWindow.Narrowest, window.Elements);
    }
}
