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
        Assert.Equal("counter", metrics.TypeOf("flock_source_sent_bytes_total"));
        Assert.Equal(1, metrics.Value("flock_jobs_completed_total"));
        Assert.Equal(0, metrics.Value("flock_jobs_failed_total"));
        Assert.Equal("counter", metrics.TypeOf("flock_jobs_completed_total"));
        // One node, no retries: one timed attempt per chunk, each taking some time.
        Assert.Equal("histogram", metrics.TypeOf("flock_chunk_encode_duration_seconds"));
        Assert.Equal(chunkCount, metrics.Value("flock_chunk_encode_duration_seconds_count"));
        Assert.Equal(chunkCount, metrics.Value("flock_chunk_encode_duration_seconds_bucket", ("le", "+Inf")));
        Assert.True(metrics.Value("flock_chunk_encode_duration_seconds_sum") > 0);
        // The runtime's own instruments, by the OpenTelemetry naming rules.
        Assert.Equal("counter", metrics.TypeOf("dotnet_process_cpu_time_seconds_total"));
        Assert.True(metrics.Value("dotnet_process_cpu_time_seconds_total", ("cpu_mode", "user")) > 0);
        Assert.True(metrics.Value("dotnet_process_memory_working_set_bytes") > 1 << 20);
        Assert.True(metrics.Value("dotnet_gc_heap_total_allocated_bytes_total") > 0);
        Assert.True(metrics.Value("process_open_fds") > 0);
        Assert.InRange(metrics.Value("process_start_time_seconds"), DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(metrics.Value("flock_data_dir_free_bytes") > 0);
    }

    [Fact]
    public async Task Metrics_should_count_a_quarantined_node_and_failed_and_cancelled_jobs()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync(config: "flock.seed.quarantine { failures = 2, window = 1m, duration = 10m }");
        // Every chunk encode fails on this node, as with a broken ffmpeg build; the benchmark still works.
        var broken = await cluster.ScriptAsync("ffmpeg-broken",
            "for a in \"$@\"; do [ \"$a\" = -copyts ] && exec ffmpeg -nostdin -v error -i /nonexistent/flock-broken-node.mp4 -f null -; done\nexec ffmpeg \"$@\"\n");
        await cluster.StartNodeAsync("broken", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = broken });
        await cluster.Seed!.WaitForOutputAsync("node broken is up", TimeSpan.FromSeconds(60));
        using var http = cluster.CreateClient(null);
        var before = await ScrapeAsync(http);
        Assert.Equal(1, before.Value("flock_nodes", ("status", "up")));
        Assert.Equal(0, before.Value("flock_nodes", ("status", "quarantined")));

        var id = await cluster.SubmitDetachedAsync(await TestClips.ConstantFrameRateMp4(), cluster.Scratch.File("out.mp4"), 1, [.. ReferenceEncode.DefaultVideoOptions]);
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        PrometheusText metrics;
        while ((metrics = await ScrapeAsync(http)).Value("flock_nodes", ("status", "quarantined")) != 1)
        {
            Assert.True(DateTime.UtcNow < until, "the broken node was never counted quarantined");
            await Task.Delay(200);
        }
        Assert.Equal(0, metrics.Value("flock_nodes", ("status", "up")));
        // Failed attempts returned no result: no encode duration.
        Assert.Equal(0, metrics.Value("flock_chunk_encode_duration_seconds_count"));

        var cancel = await cluster.PbmAsync("job", "cancel", id);
        Assert.True(cancel.ExitCode == 0, cancel.Stdout + cancel.Stderr);
        var failing = await cluster.SubmitDetachedAsync(await TestClips.TruncatedEndMp4(), cluster.Scratch.File("bad.mp4"), 1, [.. ReferenceEncode.DefaultVideoOptions]);
        var wait = await cluster.PbmAsync("job", "wait", failing);
        Assert.True(wait.ExitCode != 0, "a source cut short at its end should fail: " + wait.Stdout);

        metrics = await ScrapeAsync(http);
        Assert.Equal(1, metrics.Value("flock_jobs_cancelled_total"));
        Assert.Equal(1, metrics.Value("flock_jobs_failed_total"));
        Assert.Equal(0, metrics.Value("flock_jobs_completed_total"));
    }

    private static async Task<PrometheusText> ScrapeAsync(HttpClient http) =>
        PrometheusText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
}
