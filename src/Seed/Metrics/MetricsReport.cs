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
        [MemberStatus.Joining, MemberStatus.Up, MemberStatus.Quarantined, MemberStatus.Leaving, MemberStatus.Exiting, MemberStatus.Unreachable, MemberStatus.Down];

    /// <param name="dataDirFreeBytes">Free space where the seed keeps its data (null when it cannot be told).</param>
    public static string Render(JobListResponse jobs, ClusterResponse cluster, SeedMetrics metrics, long? dataDirFreeBytes = null)
    {
        var w = new PrometheusWriter();

        w.Family("flock_build_info", "gauge", "Always 1; the labels say which Flock and .NET runtime this seed is.");
        w.Sample("flock_build_info", 1, ("version", Version), ("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription));

        ProcessMetrics(w, metrics);
        if (dataDirFreeBytes is { } free)
        {
            w.Family("flock_data_dir_free_bytes", "gauge", "Free bytes on the filesystem of the seed's data dir (uploads, chunk results, outputs).");
            w.Sample("flock_data_dir_free_bytes", free);
        }

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

        w.Family("flock_node_heartbeat_age_seconds", "gauge", "Seconds since each member's last message reached the seed.");
        foreach (var node in cluster.Nodes)
            w.Sample("flock_node_heartbeat_age_seconds", Math.Round(node.LastHeartbeatSeconds, 2), ("node", node.Name));

        // Summed over the verified chunks of the jobs the seed knows, so it only grows while the seed runs.
        w.Family("flock_node_frames_encoded_total", "counter", "Frames of verified chunks, by the node that encoded them.");
        foreach (var node in jobs.Jobs.SelectMany(j => j.Chunks).Where(c => c.State == ChunkStates.Done && c.Node is not null)
                     .GroupBy(c => c.Node!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            w.Sample("flock_node_frames_encoded_total", node.Sum(c => (long)c.Frames), ("node", node.Key));

        w.Family("flock_source_sent_bytes_total", "counter", "Source bytes the seed sent to nodes in stream elements over Akka.Remote (counted as each element leaves, a transfer cut short included).");
        w.Sample("flock_source_sent_bytes_total", metrics.BytesSent);
        w.Family("flock_source_reads_total", "counter", "Range reads of a job's source the seed answered with bytes for nodes (each costs the node about two round trips on its link).");
        w.Sample("flock_source_reads_total", metrics.SourceReads);

        w.Family("flock_result_received_bytes_total", "counter", "Chunk result bytes received from nodes.");
        w.Sample("flock_result_received_bytes_total", metrics.BytesReceived);

        w.Family("flock_chunk_retries_total", "counter", "Chunk attempts after the first (a failure or a lost node sent the chunk out again).");
        w.Sample("flock_chunk_retries_total", metrics.ChunkRetries);

        w.Family("flock_jobs_completed_total", "counter", "Jobs that completed while this seed ran.");
        w.Sample("flock_jobs_completed_total", metrics.JobsCompleted);
        w.Family("flock_jobs_failed_total", "counter", "Jobs that failed while this seed ran.");
        w.Sample("flock_jobs_failed_total", metrics.JobsFailed);
        w.Family("flock_jobs_cancelled_total", "counter", "Jobs cancelled while this seed ran.");
        w.Sample("flock_jobs_cancelled_total", metrics.JobsCancelled);

        WriteHistogram(w, "flock_queue_wait_seconds", "Time from a job's submission to its first chunk assignment.", metrics.QueueWaits);
        WriteHistogram(w, "flock_chunk_encode_duration_seconds", "Time from a chunk attempt's assignment to its result reaching the seed (the node's encode and upload).", metrics.ChunkEncodes);
        return w.ToString();
    }

    private static void WriteHistogram(PrometheusWriter w, string name, string help, Histogram histogram)
    {
        w.Family(name, "histogram", help);
        var (counts, sum) = histogram.Snapshot();
        long cumulative = 0;
        for (var i = 0; i < histogram.Bounds.Count; i++)
        {
            cumulative += counts[i];
            w.Sample(name + "_bucket", cumulative, ("le", histogram.Bounds[i].ToString(CultureInfo.InvariantCulture)));
        }
        cumulative += counts[^1];
        w.Sample(name + "_bucket", cumulative, ("le", "+Inf"));
        w.Sample(name + "_sum", sum);
        w.Sample(name + "_count", cumulative);
    }

    private static readonly string Version =
        typeof(MetricsReport).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0]
        ?? typeof(MetricsReport).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>
    /// The runtime's own instruments (CPU time, working set, GC, thread pool: see <see cref="RuntimeMetrics"/>), plus
    /// the two standard process_* families it has no instrument for.
    /// </summary>
    private static void ProcessMetrics(PrometheusWriter w, SeedMetrics metrics)
    {
        metrics.Runtime.WriteTo(w);
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        w.Family("process_start_time_seconds", "gauge", "Start of the seed process, in seconds since the Unix epoch.");
        w.Sample("process_start_time_seconds", Math.Round(new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0, 3));
        if (Directory.Exists("/proc/self/fd"))
        {
            w.Family("process_open_fds", "gauge", "Open file descriptors of the seed process.");
            w.Sample("process_open_fds", Directory.EnumerateFileSystemEntries("/proc/self/fd").Count());
        }
    }
}
