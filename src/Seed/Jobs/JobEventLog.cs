using Flock.Messages.Jobs;
using Flock.Seed.Events;

namespace Flock.Seed.Jobs;

/// <summary>The last things that happened to jobs and their chunks, oldest first, for the dashboard's event feed.</summary>
public sealed record JobEventLog(BoundedLog<JobEventResponse> Log)
{
    public const int Capacity = 500;

    public static readonly JobEventLog Empty = new(BoundedLog<JobEventResponse>.Empty(Capacity));

    public JobEventLog Add(JobActivity activity) =>
        new(Log.Add(sequence => new JobEventResponse(sequence, activity.At, activity.Kind, activity.JobId, activity.Chunk, activity.Node, activity.Detail)));

    public JobEventsResponse After(long sequence) => new(Log.After(sequence, e => e.Sequence), Log.LastSequence);
}
