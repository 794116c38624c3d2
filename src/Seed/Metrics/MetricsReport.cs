using System.Globalization;
using Flock.Messages.Cluster;
using Flock.Messages.Jobs;

namespace Flock.Seed.Metrics;

/// <summary>The /metrics page: gauges from the jobs and cluster views taken at scrape time, counters from <see cref="SeedMetrics"/>.</summary>
public static class MetricsReport
{
    private static readonly string[] AllJobStates =
        [JobStates.Queued, JobStates.Planning, JobStates.Encoding, JobStates.Assembling, JobStates.Completed, JobStates.Failed, JobStates.Cancelled];

    private static readonly string[] AllChunkStates =
        [ChunkStates.Pending, ChunkStates.Assigned, ChunkStates.Encoding, ChunkStates.Verifying, ChunkStates.Done, ChunkStates.Failed];

    private static readonly string[] AllMemberStatuses =
        [MemberStatus.Joining, MemberStatus.Up, MemberStatus.Leaving, MemberStatus.Exiting, MemberStatus.Unreachable, MemberStatus.Down];

    public static string Render(JobListResponse jobs, ClusterResponse cluster, SeedMetrics metrics)
    {
        var w = new PrometheusWriter();

        w.Family("flock_jobs", "gauge", "Jobs known to the seed, by state.");
        foreach (var state in AllJobStates)
            w.Sample("flock_jobs", jobs.Jobs.Count(j => j.State == state), ("state", state));

        w.Family("flock_chunks", "gauge", "Chunks of every known job, by state.");
        foreach (var state in AllChunkStates)
            w.Sample("flock_chunks", jobs.Jobs.Sum(j => j.Chunks.Count(c => c.State == state)), ("state", state));

        w.Family("flock_nodes", "gauge", "Cluster members, by status.");
        foreach (var status in AllMemberStatuses)
            w.Sample("flock_nodes", cluster.Nodes.Count(n => n.Status == status), ("status", status));

        w.Family("flock_node_power", "gauge", "Benchmark power of each member (1.0 = the reference machine).");
        foreach (var node in cluster.Nodes)
            w.Sample("flock_node_power", node.Power, ("node", node.Name));

        w.Family("flock_node_fps", "gauge", "Frames per second each member is encoding now, summed over its chunks.");
        foreach (var node in cluster.Nodes)
            w.Sample("flock_node_fps", Math.Round(metrics.FramesPerSecond(node.Name), 2), ("node", node.Name));

        w.Family("flock_bytes_sent_total", "counter", "Source bytes served to nodes.");
        w.Sample("flock_bytes_sent_total", metrics.BytesSent);

        w.Family("flock_bytes_received_total", "counter", "Chunk result bytes received from nodes.");
        w.Sample("flock_bytes_received_total", metrics.BytesReceived);

        w.Family("flock_chunk_retries_total", "counter", "Chunk attempts after the first (a failure or a lost node sent the chunk out again).");
        w.Sample("flock_chunk_retries_total", metrics.ChunkRetries);

        w.Family("flock_queue_wait_seconds", "histogram", "Time from a job's submission to its first chunk assignment.");
        var (counts, sum) = metrics.QueueWait();
        long cumulative = 0;
        for (var i = 0; i < SeedMetrics.QueueWaitBuckets.Length; i++)
        {
            cumulative += counts[i];
            w.Sample("flock_queue_wait_seconds_bucket", cumulative, ("le", SeedMetrics.QueueWaitBuckets[i].ToString(CultureInfo.InvariantCulture)));
        }
        cumulative += counts[^1];
        w.Sample("flock_queue_wait_seconds_bucket", cumulative, ("le", "+Inf"));
        w.Sample("flock_queue_wait_seconds_sum", sum);
        w.Sample("flock_queue_wait_seconds_count", cumulative);
        return w.ToString();
    }
}
