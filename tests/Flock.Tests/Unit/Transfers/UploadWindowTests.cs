using Flock.Messages.Chunks;
using Xunit;

namespace Flock.Tests.Unit.Transfers;

/// <summary>The window a seed grants a node's result upload: what the node asked for, within bounds, a power of two.</summary>
public sealed class UploadWindowTests
{
    [Theory]
    [InlineData(0, 8)]
    [InlineData(-5, 8)]
    [InlineData(8, 8)]
    [InlineData(15, 8)]
    [InlineData(16, 16)]
    [InlineData(31, 16)]
    [InlineData(32, 32)]
    [InlineData(1 << 20, 32)]
    public void A_node_asking_for_a_window_should_get_the_widest_power_of_two_within_bounds_not_above_it(int asked, int granted) =>
        Assert.Equal(granted, ChunkStreams.Window(asked));
}
