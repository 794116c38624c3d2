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
}
