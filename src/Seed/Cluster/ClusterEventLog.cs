using System.Collections.Immutable;
using Flock.Messages.Cluster;

namespace Flock.Seed.Cluster;

/// <summary>
/// The last member events, oldest first, for `pbm cluster tail`: bounded, so a long-lived seed keeps a window and a
/// reader that fell behind by more than that simply misses the oldest.
/// </summary>
public sealed record ClusterEventLog(ImmutableQueue<ClusterEventResponse> Events, int Count, long LastSequence)
{
    public const int Capacity = 500;

    public static readonly ClusterEventLog Empty = new(ImmutableQueue<ClusterEventResponse>.Empty, 0, 0);

    public ClusterEventLog Add(DateTimeOffset at, string kind, string? address, string? node, string detail)
    {
        var events = Events.Enqueue(new ClusterEventResponse(LastSequence + 1, at, kind, address, node, detail));
        var count = Count + 1;
        while (count > Capacity)
        {
            events = events.Dequeue();
            count--;
        }
        return new ClusterEventLog(events, count, LastSequence + 1);
    }

    public ClusterEventsResponse After(long sequence) => new(Events.Where(e => e.Sequence > sequence).ToArray(), LastSequence);
}
