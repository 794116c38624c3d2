using Flock.Messages.Cluster;
using Flock.Messages.Jobs;

namespace Flock.Seed.Dashboard;

/// <summary>What the overview derives from the cluster and job views: who encodes what, and one feed of events.</summary>
public static class DashboardFeed
{
    /// <summary>For every node, the chunks of unfinished jobs it holds, from each chunk's runs (a chunk run twice shows on both nodes).</summary>
    public static IReadOnlyDictionary<string, NodeChunksResponse> NodeChunks(IReadOnlyList<NodeResponse> nodes, IReadOnlyList<JobResponse> jobs)
    {
        var runs = jobs.SelectMany(j => j.Chunks.SelectMany(c => (c.Runs ?? []).Select(r => (r.Node, r.State, Chunk: $"{j.Id}/{c.Index}")))).ToList();
        return nodes.Select(n => n.Name).Concat(runs.Select(r => r.Node)).Distinct(StringComparer.Ordinal).ToDictionary(
            name => name,
            name =>
            {
                var mine = runs.Where(r => r.Node == name).ToList();
                string[] With(params string[] states) => mine.Where(r => states.Contains(r.State)).Select(r => r.Chunk).ToArray();
                return new NodeChunksResponse(With(ChunkStates.Encoding), With(ChunkStates.Assigned), With(ChunkStates.Verifying));
            },
            StringComparer.Ordinal);
    }

    /// <summary>The latest <paramref name="count"/> events of both logs, newest first.</summary>
    public static IReadOnlyList<FeedEventResponse> Merge(IReadOnlyList<ClusterEventResponse> cluster, IReadOnlyList<JobEventResponse> jobs, int count) =>
        // An Akka member not (yet) matched to a node is known only by its address: say which one.
        cluster.Select(e => (Order: e.Sequence, Event: new FeedEventResponse(e.At, "cluster", e.Kind, e.Node, null,
                e.Node is null && e.Address is { } address ? $"{address}: {e.Detail}" : e.Detail)))
            .Concat(jobs.Select(e => (Order: e.Sequence, Event: new FeedEventResponse(e.At, "job", e.Kind, e.Node, e.JobId, e.Detail))))
            .OrderByDescending(e => e.Event.At).ThenByDescending(e => e.Order)
            .Take(count)
            .Select(e => e.Event)
            .ToList();
}
