using Flock.Seed.Events;
using Xunit;

namespace Flock.Tests.Unit.Cluster;

/// <summary>The window the seed's event feeds keep: numbered in order, the oldest dropped past the capacity.</summary>
public sealed class BoundedLogTests
{
    [Fact]
    public void A_full_log_should_drop_its_oldest_and_keep_numbering_on()
    {
        var log = BoundedLog<(long Sequence, string What)>.Empty(3);
        foreach (var what in new[] { "a", "b", "c", "d", "e" }) log = log.Add(sequence => (sequence, what));

        Assert.Equal(5, log.LastSequence);
        Assert.Equal(["c", "d", "e"], log.After(0, e => e.Sequence).Select(e => e.What));
        Assert.Equal(["e"], log.After(4, e => e.Sequence).Select(e => e.What));
        Assert.Empty(log.After(5, e => e.Sequence));
    }
}
