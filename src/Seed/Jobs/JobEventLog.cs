using System.Collections.Immutable;
using Flock.Messages.Jobs;

namespace Flock.Seed.Jobs;

/// <summary>
/// The last things that happened to jobs and their chunks, oldest first, for the dashboard's event feed: bounded like
/// the cluster's event log, so a long-lived seed keeps a window and a reader that fell behind misses the oldest.
/// </summary>
public sealed record JobEventLog(ImmutableQueue<JobEventResponse> Events, int Count, long LastSequence)
{
    public const int Capacity = 500;

    public static readonly JobEventLog Empty = new(ImmutableQueue<JobEventResponse>.Empty, 0, 0);

    public JobEventLog Add(JobActivity activity)
    {
        var events = Events.Enqueue(new JobEventResponse(LastSequence + 1, activity.At, activity.Kind, activity.JobId, activity.Chunk, activity.Node, activity.Detail));
        var count = Count + 1;
        while (count > Capacity)
        {
            events = events.Dequeue();
            count--;
        }
        return new JobEventLog(events, count, LastSequence + 1);
    }

    public JobEventsResponse After(long sequence) => new(Events.Where(e => e.Sequence > sequence).ToArray(), LastSequence);
}
