using Flock.Cli.Pbm.Output;
using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Pbm;

/// <summary>pbm's text forms: aligned tables with a header on a terminal, plain pipe rows when redirected.</summary>
public sealed class PbmOutputTests
{
    private static readonly ClusterResponse Cluster = new(
    [
        new NodeResponse("box1", "10.0.0.5:50311", "up", 1, 8, ["4/3", "4/4"], "ffmpeg 5.1", Reachability.Reachable, 0.4),
        new NodeResponse("b2", "10.0.0.6:41822", "unreachable", 0.456, 4, [], "ffmpeg 5.1", Reachability.Unreachable, 14.2),
    ],
    [
        new ClusterMemberResponse("akka.ssl.tcp://flock@10.0.0.5:40211", ["encoder"], "up", Reachability.Reachable, "box1"),
        new ClusterMemberResponse("akka.ssl.tcp://flock@10.0.0.2:4053", ["seed"], "up", Reachability.Reachable, null),
    ],
    "akka.ssl.tcp://flock@10.0.0.2:4053",
    "akka.ssl.tcp://flock@10.0.0.2:4053/user/jobs/jobs");

    [Fact]
    public void Redirected_cluster_show_should_print_plain_rows_leading_with_the_akka_address_and_the_count()
    {
        Assert.Equal(
        [
            "akka.ssl.tcp://flock@10.0.0.2:4053 | [seed] | up | reachable (leader) | - | - | -",
            "akka.ssl.tcp://flock@10.0.0.5:40211 | [encoder] | up | reachable (heartbeat 0.4s ago) | box1 | 1.00 | 4/3,4/4",
            "10.0.0.6:41822 | [encoder] | unreachable | unreachable (heartbeat 14.2s ago) | b2 | 0.46 | -",
            "Count: 3 nodes",
        ], ClusterFormatter.Table(Cluster, terminal: false));
    }

    [Fact]
    public void Terminal_cluster_show_should_add_a_header_and_line_up_the_columns()
    {
        var lines = ClusterFormatter.Table(Cluster, terminal: true).ToList();

        Assert.StartsWith("address                             | roles     | status      | reachability", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("10.0.0.6:41822                      | [encoder] | unreachable | ", lines[3], StringComparison.Ordinal);
        Assert.Equal(lines[2].IndexOf("| up", StringComparison.Ordinal), lines[3].IndexOf("| unreachable", StringComparison.Ordinal));
        Assert.Equal("Count: 3 nodes", lines[^1]);
    }

    [Fact]
    public void Cluster_status_should_sum_up_members_by_status_and_name_the_leader_and_the_queue()
    {
        Assert.Equal("seed akka.ssl.tcp://flock@10.0.0.2:4053 up | 2 members (2 up) | 0 unreachable | leader akka.ssl.tcp://flock@10.0.0.2:4053"
            + " | queue akka.ssl.tcp://flock@10.0.0.2:4053/user/jobs/jobs",
            ClusterFormatter.Status(Cluster));
        Assert.StartsWith("no cluster transport", ClusterFormatter.Status(new ClusterResponse([])), StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_tail_should_print_one_pipe_row_per_event()
    {
        var at = new DateTimeOffset(2026, 12, 2, 10, 0, 5, TimeSpan.Zero);
        var row = ClusterFormatter.Event(new ClusterEventResponse(7, at, "unreachable", "akka.ssl.tcp://flock@10.0.0.5:40211", "box1", "cluster member"));
        Assert.EndsWith(" | unreachable | akka.ssl.tcp://flock@10.0.0.5:40211 | box1 | cluster member", row, StringComparison.Ordinal);
        Assert.Equal(at.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), row[..8]);
    }

    [Fact]
    public void Watch_should_show_the_job_rate_and_eta_then_one_row_per_running_chunk()
    {
        var job = new JobResponse("4", JobStates.Encoding, null, "in.mp4", "out.mp4", 0, 3, [], DateTimeOffset.UnixEpoch, null, 300, 120,
        [
            new ChunkResponse(0, ChunkStates.Done, 1, "box1", 75, 100, null),
            new ChunkResponse(1, ChunkStates.Encoding, 1, "box2", 30, 40, 12.34),
            new ChunkResponse(2, ChunkStates.Assigned, 1, "box1", 0, 0, null),
            new ChunkResponse(3, ChunkStates.Pending, 0, null, 0, 0, null),
        ], 25.06, 72.4, AverageFramesPerSecond: 21.5, ElapsedSeconds: 61, OutputBytes: 3 << 20, ExpectedOutputBytes: 12 << 20);

        Assert.Equal(
        [
            "4 encoding [####------] 40.0% (120/300 frames, 1/4 chunks) | now 25.1 fps, avg 21.5 fps | elapsed 1m01s | eta 1m12s | size 3.0 MiB of ~12.0 MiB",
            "box2 | 4/1 | encoding | 12.3 fps | 40.0%",
            "box1 | 4/2 | reserved | - | 0.0%",
        ], JobFormatter.WatchLines(job, terminal: false, now: DateTimeOffset.UnixEpoch.AddSeconds(60)));
    }

    [Fact]
    public void Summary_should_measure_elapsed_itself_from_an_older_seed_and_show_no_size_before_a_chunk_is_verified()
    {
        var job = OneChunkJob(JobStates.Encoding);

        Assert.Equal("7 encoding [----------] 0.0% (0/1 frame, 0/1 chunk) | now -, avg - | elapsed 1m30s | eta - | size -",
            JobFormatter.SummaryLine(job, DateTimeOffset.UnixEpoch.AddSeconds(90)));
    }

    [Fact]
    public void A_summary_too_wide_for_the_terminal_should_drop_counts_size_and_average_to_keep_the_eta()
    {
        var job = OneChunkJob(JobStates.Encoding) with { EtaSeconds = 42, OutputBytes = 1 << 20, ExpectedOutputBytes = 4 << 20, ElapsedSeconds = 3 };
        var full = JobFormatter.SummaryLine(job);

        Assert.Equal(full, JobFormatter.SummaryLine(job, width: full.Length + 1));
        var narrower = JobFormatter.SummaryLine(job, width: full.Length);
        Assert.Equal("7 encoding [----------] 0.0% | now -, avg - | elapsed 3s | eta 42s | size 1.0 MiB of ~4.0 MiB", narrower);
        var narrowest = JobFormatter.SummaryLine(job, width: narrower.Length);
        Assert.Equal("7 encoding [----------] 0.0% | now -, avg - | elapsed 3s | eta 42s", narrowest);
        Assert.Equal("7 encoding [----------] 0.0% | now - | elapsed 3s | eta 42s", JobFormatter.SummaryLine(job, width: narrowest.Length));
    }

    [Fact]
    public void Completed_summary_should_show_the_output_size_alone()
    {
        var job = OneChunkJob(JobStates.Completed) with { OutputBytes = 5 << 20, ExpectedOutputBytes = 5 << 20 };

        Assert.EndsWith("| size 5.0 MiB", JobFormatter.SummaryLine(job), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "-")]
    [InlineData(0.2, "0s")]
    [InlineData(45.4, "45s")]
    [InlineData(28.5, "29s")]
    [InlineData(59.5, "1m00s")]
    [InlineData(187.0, "3m07s")]
    [InlineData(7500.0, "2h05m")]
    public void Eta_should_read_as_a_short_duration(double? seconds, string expected)
    {
        Assert.Equal(expected, JobFormatter.Duration(seconds));
    }

    private static JobResponse OneChunkJob(string state) => new("7", state, null, "in.mp4", "out.mp4", 0, 30, [], DateTimeOffset.UnixEpoch, null, 1, 0,
        [new ChunkResponse(0, ChunkStates.Encoding, 1, "box1", 0, 0, null)], null, null);

    [Fact]
    public void Terminal_job_show_should_put_a_header_row_over_aligned_chunk_rows()
    {
        var lines = JobFormatter.Details(OneChunkJob(JobStates.Encoding), terminal: true).ToList();
        var header = lines.IndexOf("index | state    | attempts | node | frames");
        Assert.True(header > 0, string.Join("\n", lines));
        Assert.Equal("0     | encoding | 1        | box1 | 0", lines[header + 1]);

        var redirected = JobFormatter.Details(OneChunkJob(JobStates.Encoding), terminal: false).ToList();
        Assert.Equal("0 | encoding | 1 | box1 | 0", redirected[^1]);
        Assert.DoesNotContain(redirected, l => l.StartsWith("index", StringComparison.Ordinal));
    }

    [Fact]
    public void Job_show_of_a_job_with_a_bitrate_target_should_say_what_each_chunk_was_asked_for()
    {
        var job = OneChunkJob(JobStates.Encoding) with
        {
            Chunks = [new ChunkResponse(0, ChunkStates.Done, 1, "box1", 50) { AskedBitsPerSecond = 455_454 }, new ChunkResponse(1, ChunkStates.Pending, 0, null, 0)],
        };

        var lines = JobFormatter.Details(job, terminal: true).ToList();

        Assert.Contains("index | state   | attempts | node | frames | asked kb/s", lines);
        Assert.Equal(["0     | done    | 1        | box1 | 50     | 455", "1     | pending | 0        | -    | 0      | -"], lines.TakeLast(2));
        Assert.DoesNotContain(JobFormatter.Details(OneChunkJob(JobStates.Encoding), terminal: true), l => l.Contains("asked", StringComparison.Ordinal));
    }

    [Fact]
    public void Job_show_should_list_every_attempt_of_a_chunk_that_failed_before_it_was_done()
    {
        var at = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        var job = new JobResponse("7", JobStates.Completed, null, "in.mp4", "out.mp4", 0, 30, [], at, at.AddMinutes(1), 150, 150,
        [
            new ChunkResponse(0, ChunkStates.Done, 1, "box1", 75, 100, null, [], [new ChunkAttemptResponse(1, "box1", AttemptOutcomes.Done, at, at.AddSeconds(9), null, 4000)]),
            new ChunkResponse(1, ChunkStates.Done, 2, "box1", 75, 100, null, [],
            [
                new ChunkAttemptResponse(1, "box2", AttemptOutcomes.Failed, at, at.AddSeconds(3), "ffmpeg failed on chunk 1: Invalid data found when processing input"),
                new ChunkAttemptResponse(2, "box1", AttemptOutcomes.Done, at.AddSeconds(4), at.AddSeconds(12), null, 5120),
            ]),
        ]);

        var lines = JobFormatter.Details(job, terminal: false).ToList();

        Assert.Equal(
        [
            "0 | done | 1 | box1 | 75",
            "1 | done | 2 | box1 | 75",
            "attempt history: 2 attempts (chunks done on their first attempt are not listed; --json has all)",
            "1 | 1 | box2 | failed | 10:00:00Z | 10:00:03Z | - | ffmpeg failed on chunk 1: Invalid data found when processing input",
            "1 | 2 | box1 | done | 10:00:04Z | 10:00:12Z | 5120 | -",
        ], lines.TakeLast(5));
        Assert.Contains("chunk | attempt | node | outcome | started   | ended     | bytes | error", JobFormatter.Details(job, terminal: true));
    }

    [Fact]
    public void Cluster_show_should_say_until_when_a_node_is_quarantined()
    {
        var node = new NodeResponse("box3", "10.0.0.7:40000", "quarantined", 1, 4, [], "ffmpeg 5.1", Reachability.Reachable, 0.2,
            new DateTimeOffset(2026, 12, 2, 14, 2, 31, TimeSpan.Zero));

        Assert.Equal("10.0.0.7:40000 | [encoder] | quarantined until 14:02:31Z | reachable (heartbeat 0.2s ago) | box3 | 1.00 | -",
            string.Join(" | ", ClusterFormatter.Cells(node)));
    }

    [Fact]
    public void Cluster_show_should_say_why_an_up_node_takes_no_chunks()
    {
        var node = new NodeResponse("box4", "10.0.0.8:40000", "up", 1, 4, [], "ffmpeg 5.1", Reachability.Reachable, 0.4,
            Paused: "work dir 48 KiB free, min-free-space 64.0 MiB");

        Assert.Equal("10.0.0.8:40000 | [encoder] | paused (work dir 48 KiB free, min-free-space 64.0 MiB) | reachable (heartbeat 0.4s ago) | box4 | 1.00 | -",
            string.Join(" | ", ClusterFormatter.Cells(node)));
        Assert.Equal("up", ClusterFormatter.Status(node with { Paused = null }));
    }

    [Fact]
    public void Counts_of_one_should_be_singular()
    {
        Assert.Equal("Count: 1 job", JobFormatter.CountFooter(1));
        Assert.Equal("Count: 2 jobs", JobFormatter.CountFooter(2));
        Assert.Equal("Count: 1 node", ClusterFormatter.CountFooter(1));
        Assert.Equal("Count: 0 nodes", ClusterFormatter.CountFooter(0));
        Assert.Equal("0.0% (0/1 frame, 0/1 chunk)", JobFormatter.Progress(OneChunkJob(JobStates.Encoding)));
    }

    [Fact]
    public void Job_time_breakdown_should_read_as_one_line_with_every_part_and_dashes_for_the_open_ones()
    {
        var line = Flock.Cli.Pbm.Output.JobFormatter.TimeBreakdown(new Flock.Messages.Jobs.JobTimeBreakdownResponse(
            1.24, 2, 30.06, new Dictionary<string, double> { ["b"] = 1, ["a"] = 0.4 }, null, null, null, 33.3));

        Assert.Equal("to first hand-out 1.2s | to first encode 2.0s | encoding 30.1s | idle a 0.4s, b 1.0s | last result to verified -"
            + " | to assembly - | assembly - | total 33.3s", line);
    }
}
