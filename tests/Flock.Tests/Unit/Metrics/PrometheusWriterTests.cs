using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Flock.Seed.Metrics;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Unit.Metrics;

public sealed class PrometheusWriterTests
{
    [Fact]
    public void Label_values_should_be_escaped_so_any_node_name_stays_one_sample()
    {
        var text = new PrometheusWriter().Family("m", "gauge", "h").Sample("m", 1.5, ("node", "a\"b\\c\nd")).ToString();
        Assert.Equal("# HELP m h\n# TYPE m gauge\nm{node=\"a\\\"b\\\\c\\nd\"} 1.5\n", text);
    }

    [Fact]
    public void Queue_wait_histogram_should_be_cumulative_and_count_every_wait()
    {
        var metrics = new SeedMetrics();
        metrics.QueueWaited(TimeSpan.FromSeconds(0.05));
        metrics.QueueWaited(TimeSpan.FromSeconds(3));
        metrics.QueueWaited(TimeSpan.FromHours(2));
        var parsed = PrometheusText.Parse(MetricsReport.Render(new JobListResponse([]), new ClusterResponse([]), metrics));
        Assert.Equal(1, parsed.Value("flock_queue_wait_seconds_bucket", ("le", "0.1")));
        Assert.Equal(1, parsed.Value("flock_queue_wait_seconds_bucket", ("le", "2")));
        Assert.Equal(2, parsed.Value("flock_queue_wait_seconds_bucket", ("le", "5")));
        Assert.Equal(2, parsed.Value("flock_queue_wait_seconds_bucket", ("le", "3600")));
        Assert.Equal(3, parsed.Value("flock_queue_wait_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(3, parsed.Value("flock_queue_wait_seconds_count"));
        Assert.Equal(7203.05, parsed.Value("flock_queue_wait_seconds_sum"), 6);
    }

    [Fact]
    public void Node_fps_should_sum_the_chunks_it_encodes_and_drop_those_it_let_go()
    {
        var metrics = new SeedMetrics();
        metrics.ChunkProgressed("a", "1/0", 30);
        metrics.ChunkProgressed("a", "1/1", 20);
        metrics.ChunkProgressed("a", "1/0", 40);
        Assert.Equal(60, metrics.FramesPerSecond("a"));
        metrics.ChunkLeft("a", "1/0");
        Assert.Equal(20, metrics.FramesPerSecond("a"));
        metrics.NodeIdle("a");
        Assert.Equal(0, metrics.FramesPerSecond("a"));
        Assert.Equal(0, metrics.FramesPerSecond("unknown"));
    }

    [Fact]
    public void Chunk_encode_histogram_should_be_cumulative_over_its_buckets()
    {
        var metrics = new SeedMetrics();
        metrics.ChunkEncoded(TimeSpan.FromSeconds(0.5));
        metrics.ChunkEncoded(TimeSpan.FromSeconds(45));
        var parsed = PrometheusText.Parse(MetricsReport.Render(new JobListResponse([]), new ClusterResponse([]), metrics));
        Assert.Equal("histogram", parsed.TypeOf("flock_chunk_encode_duration_seconds"));
        Assert.Equal(1, parsed.Value("flock_chunk_encode_duration_seconds_bucket", ("le", "1")));
        Assert.Equal(1, parsed.Value("flock_chunk_encode_duration_seconds_bucket", ("le", "30")));
        Assert.Equal(2, parsed.Value("flock_chunk_encode_duration_seconds_bucket", ("le", "60")));
        Assert.Equal(2, parsed.Value("flock_chunk_encode_duration_seconds_count"));
        Assert.Equal(45.5, parsed.Value("flock_chunk_encode_duration_seconds_sum"), 6);
    }

    [Fact]
    public void Finished_jobs_should_be_counted_by_how_they_ended()
    {
        var metrics = new SeedMetrics();
        metrics.JobFinished(JobStates.Completed);
        metrics.JobFinished(JobStates.Completed);
        metrics.JobFinished(JobStates.Failed);
        metrics.JobFinished(JobStates.Encoding); // not an end
        var parsed = PrometheusText.Parse(MetricsReport.Render(new JobListResponse([]), new ClusterResponse([]), metrics));
        Assert.Equal(2, parsed.Value("flock_jobs_completed_total"));
        Assert.Equal(1, parsed.Value("flock_jobs_failed_total"));
        Assert.Equal(0, parsed.Value("flock_jobs_cancelled_total"));
    }

    [Fact]
    public void Runtime_instruments_should_be_named_with_their_unit_and_counters_end_in_total()
    {
        using var meter = new System.Diagnostics.Metrics.Meter("flock.test");
        Assert.Equal("dotnet_process_cpu_time_seconds_total",
            RuntimeMetrics.PrometheusName(meter.CreateObservableCounter("dotnet.process.cpu.time", () => 1.0, unit: "s")));
        Assert.Equal("dotnet_process_memory_working_set_bytes",
            RuntimeMetrics.PrometheusName(meter.CreateObservableUpDownCounter("dotnet.process.memory.working_set", () => 1L, unit: "By")));
        Assert.Equal("dotnet_gc_collections_total",
            RuntimeMetrics.PrometheusName(meter.CreateObservableCounter("dotnet.gc.collections", () => 1L, unit: "{collection}")));
    }
}
