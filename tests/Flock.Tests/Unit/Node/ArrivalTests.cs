using Flock.Node.Connection;
using Xunit;

namespace Flock.Tests.Unit.Node;

/// <summary>A reader of bytes on their way is woken by each that arrives, and never misses one.</summary>
public sealed class ArrivalTests
{
    [Fact]
    public async Task A_reader_waiting_for_bytes_should_be_woken_when_they_arrive()
    {
        var arrival = new Arrival();
        var grew = arrival.Grew;
        Assert.False(grew.IsCompleted);
        Assert.Null(arrival.Buffer);

        var buffer = new byte[10];
        arrival.Started(buffer, 1000);
        await grew.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Same(buffer, arrival.Buffer);
        Assert.Equal(1000, arrival.Length);
        Assert.Equal(0, arrival.Arrived);

        grew = arrival.Grew;
        Assert.False(grew.IsCompleted);
        arrival.Filled(4);
        await grew.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(4, arrival.Arrived);
    }

    [Fact]
    public async Task A_change_between_taking_the_signal_and_looking_should_still_wake_the_reader()
    {
        var arrival = new Arrival();
        arrival.Started(new byte[10], 10);
        var grew = arrival.Grew; // taken first, as the relay does
        arrival.Filled(10); // then the bytes come before the reader looks
        await grew.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(10, arrival.Arrived);
    }
}
