using Flock.Messages.Cluster;
using Flock.Seed.Events;

namespace Flock.Seed.Cluster;

/// <summary>The last member events, oldest first, for `pbm cluster tail` and the dashboard's feed.</summary>
public sealed record ClusterEventLog(BoundedLog<ClusterEventResponse> Log)
{
    public const int Capacity = 500;

    public static readonly ClusterEventLog Empty = new(BoundedLog<ClusterEventResponse>.Empty(Capacity));

    public ClusterEventLog Add(DateTimeOffset at, string kind, string? address, string? node, string detail) =>
        new(Log.Add(sequence => new ClusterEventResponse(sequence, at, kind, address, node, detail)));

    public ClusterEventsResponse After(long sequence) => new(Log.After(sequence, e => e.Sequence), Log.LastSequence);
}
