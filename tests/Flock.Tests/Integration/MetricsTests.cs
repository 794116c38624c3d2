using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>/metrics after a real job: its numbers must agree with the job the API reports.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_after_a_job_should_agree_with_the_job()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var source = await TestClips.ConstantFrameRateMp4();
        await cluster.StartNodeAsync("node-m");
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 2, [.. ReferenceEncode.DefaultVideoOptions]);
        var wait = await cluster.PbmAsync("job", "wait", id);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr);
        var job = await cluster.JobAsync(id);
        var chunkCount = job.GetProperty("chunks").GetArrayLength();

        using var http = cluster.CreateClient(null); // /metrics needs no token
        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"/metrics answered {(int)response.StatusCode}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var metrics = PrometheusText.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("gauge", metrics.TypeOf("flock_jobs"));
        Assert.Equal("counter", metrics.TypeOf("flock_result_received_bytes_total"));
        Assert.Equal("histogram", metrics.TypeOf("flock_queue_wait_seconds"));
        Assert.Equal(1, metrics.Value("flock_jobs", ("state", "completed")));
        Assert.Equal(0, metrics.Value("flock_jobs", ("state", "failed")));
        Assert.True(chunkCount > 1, $"the clip should make several chunks, got {chunkCount}");
        Assert.Equal(chunkCount, metrics.Value("flock_chunks", ("state", "done")));
        Assert.Equal(0, metrics.Value("flock_chunks", ("state", "pending")));
        Assert.Equal(1, metrics.Value("flock_nodes", ("status", "up")));
        Assert.True(metrics.Value("flock_node_power", ("node", "node-m")) > 0, "the node's benchmark power should be reported");
        Assert.Equal(0, metrics.Value("flock_node_fps", ("node", "node-m"))); // nothing is encoding any more
        Assert.True(metrics.Value("flock_result_received_bytes_total") > 0, "result bytes should have been counted");
        // Every chunk's source range was read; together they are at least most of the input.
        Assert.True(metrics.Value("flock_source_sent_bytes_total") >= new FileInfo(source).Length / 2,
            $"source bytes sent {metrics.Value("flock_source_sent_bytes_total")} vs input {new FileInfo(source).Length}");
        Assert.Equal(0, metrics.Value("flock_chunk_retries_total"));
        Assert.Equal(1, metrics.Value("flock_queue_wait_seconds_count"));
        Assert.Equal(1, metrics.Value("flock_queue_wait_seconds_bucket", ("le", "+Inf")));
        Assert.True(metrics.Value("flock_queue_wait_seconds_sum") > 0);

        Assert.Equal(job.GetProperty("totalFrames").GetInt32(), metrics.Value("flock_node_frames_encoded_total", ("node", "node-m")));
        Assert.Equal("counter", metrics.TypeOf("flock_node_frames_encoded_total"));
        Assert.Equal(0, metrics.Value("flock_nodes", ("status", "quarantined")));
        Assert.InRange(metrics.Value("flock_node_heartbeat_age_seconds", ("node", "node-m")), 0, 10);
        Assert.Equal(1, metrics.Value("flock_build_info"));
        Assert.True(metrics.Value("process_resident_memory_bytes") > 1 << 20);
        Assert.True(metrics.Value("process_cpu_seconds_total") > 0);
        Assert.True(metrics.Value("process_open_fds") > 0);
        Assert.InRange(metrics.Value("process_start_time_seconds"), DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(metrics.Value("flock_data_dir_free_bytes") > 0);
    }
}
