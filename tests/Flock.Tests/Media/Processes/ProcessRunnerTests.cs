using System.Diagnostics;
using Flock.Media.Processes;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media.Processes;

/// <summary>ffmpeg run through <see cref="ProcessRunner"/> (CliWrap): cancellation, progress, arguments, errors, real processes.</summary>
public sealed class ProcessRunnerTests
{
    [Fact]
    public async Task Cancelled_ffmpeg_should_get_SIGINT_and_leave_a_playable_file()
    {
        using var scratch = ScratchDirectory.Create("flock-cancel");
        var output = scratch.File("cut short.mp4");
        using var cts = new CancellationTokenSource();
        var stderr = new List<string>();
        var frames = 0;
        var parser = new FfmpegProgressParser();
        var run = ProcessRunner.RunAsync(Ffmpeg.FfmpegPath,
            ["-nostdin", "-hide_banner", "-nostats", "-re", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=60", "-c:v", "libx264", "-preset", "ultrafast",
             "-progress", "pipe:1", "-stats_period", "0.2", "-y", output],
            cts.Token,
            line =>
            {
                // Cut it short once it has written some frames.
                if (parser.Feed(line) is { Frame: > 20 } p && Interlocked.Exchange(ref frames, p.Frame) == 0) cts.Cancel();
            },
            onStderrLine: line => { lock (stderr) stderr.Add(line); });

        var cancelledAt = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var stopped = cancelledAt.Elapsed;

        // SIGINT is ffmpeg's "stop and finish the file": it says so, and the MP4 has its index (a SIGKILL leaves no moov).
        lock (stderr) Assert.Contains(stderr, l => l.Contains("received signal 2", StringComparison.Ordinal));
        Assert.True(stopped < ProcessRunner.GracePeriod, $"ffmpeg took {stopped} to stop on SIGINT: it was killed, not interrupted");
        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", output]);
        var written = int.Parse(probe.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(written, 20, 1499);
    }

    [Fact]
    public async Task Progress_lines_should_arrive_while_ffmpeg_is_still_running()
    {
        var reports = new List<(FfmpegProgress Report, TimeSpan At)>();
        var parser = new FfmpegProgressParser();
        var clock = Stopwatch.StartNew();
        var result = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath,
            ["-nostdin", "-hide_banner", "-re", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2", "-progress", "pipe:1", "-stats_period", "0.25", "-f", "null", "-"],
            CancellationToken.None,
            line => { if (parser.Feed(line) is { } p) lock (reports) reports.Add((p, clock.Elapsed)); },
            captureStdout: false);
        var finished = clock.Elapsed;

        Assert.True(result.Succeeded, result.LastErrorLine);
        Assert.True(reports.Count >= 3, $"only {reports.Count} progress reports");
        Assert.True(reports[0].At < finished - TimeSpan.FromSeconds(1), $"first report at {reports[0].At}, run over at {finished}: lines were not passed on as they came");
        Assert.True(reports[^1].Report is { Ended: true, Frame: 50 }, $"last report {reports[^1].Report}");
        Assert.Equal(reports.Select(r => r.Report.Frame).Order(), reports.Select(r => r.Report.Frame));
    }

    [Fact]
    public async Task A_child_that_ignores_SIGINT_should_be_killed_with_its_whole_tree_after_the_grace_period()
    {
        using var cts = new CancellationTokenSource();
        var pids = new List<int>();
        // The shell ignores SIGINT and so does its background sleep (a shell without job control gives its background jobs SIGINT ignored).
        var run = ProcessRunner.RunAsync("sh", ["-c", "trap '' INT; sleep 60 & echo $$; echo $!; wait"], cts.Token,
            line => { lock (pids) { pids.Add(int.Parse(line, System.Globalization.CultureInfo.InvariantCulture)); if (pids.Count == 2) cts.Cancel(); } });

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.True(clock.Elapsed >= ProcessRunner.GracePeriod - TimeSpan.FromMilliseconds(100), $"killed after {clock.Elapsed}, before the grace period");
        Assert.True(clock.Elapsed < ProcessRunner.GracePeriod + TimeSpan.FromSeconds(3), $"still not dead after {clock.Elapsed}");
        Assert.Equal(2, pids.Count);
        foreach (var pid in pids) await ChildProcessWatch.AssertGoneAsync(pid, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task The_sweep_should_leave_alone_a_wrapper_scripts_child_whose_flock_still_runs()
    {
        // FLOCK_FFMPEG may be a script: its own children inherit the marker under a parent that is not Flock. Another
        // flock starting up (a second node on the machine) once killed them as orphans.
        using var cts = new CancellationTokenSource();
        var pids = new List<int>();
        var run = ProcessRunner.RunAsync("sh", ["-c", "sleep 30 & echo $!; wait"], cts.Token,
            line => { lock (pids) pids.Add(int.Parse(line, System.Globalization.CultureInfo.InvariantCulture)); });
        for (var i = 0; i < 250 && pids.Count == 0; i++) await Task.Delay(20);
        var grandchild = Assert.Single(pids);

        ChildProcesses.SweepOrphans();

        Assert.True(Directory.Exists($"/proc/{grandchild}"), "the sweep killed a wrapper's child although the Flock that started it still runs");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task A_child_should_outlive_the_thread_that_started_it()
    {
        // Linux sends the parent-death signal when the forking thread ends: a child forked from this short-lived thread
        // would be SIGKILLed by setpriv's pdeathsig a moment later.
        Task<Flock.Media.Processes.ProcessResult>? run = null;
        var thread = new Thread(() => run = ProcessRunner.RunAsync("sleep", ["1.5"], CancellationToken.None));
        thread.Start();
        thread.Join();

        var result = await run!;

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: the child died with the thread that started it");
    }

    [Fact]
    public async Task Arguments_should_reach_the_child_one_by_one_unchanged()
    {
        string[] args = ["a b", "it's", "\"quoted\"", "back\\slash", "-hide_banner", "$HOME", "", "; rm -rf /", "ünï"];

        var result = await ProcessRunner.RunAsync("printf", ["%s\\n", .. args], CancellationToken.None);

        Assert.True(result.Succeeded, result.LastErrorLine);
        Assert.Equal(args, result.StandardOutput.Split('\n')[..^1]);
    }

    [Fact]
    public async Task A_failing_ffmpeg_should_give_its_last_error_line()
    {
        var result = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath, ["-nostdin", "-hide_banner", "-i", "/nonexistent/input.mp4", "-f", "null", "-"], CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("No such file or directory", result.LastErrorLine, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/input.mp4", result.StandardErrorTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_program_should_be_reported_as_one_that_could_not_start()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ProcessRunner.RunAsync("flock-no-such-program", ["-version"], CancellationToken.None));

        Assert.StartsWith("could not start flock-no-such-program", e.Message, StringComparison.Ordinal);
    }
}
