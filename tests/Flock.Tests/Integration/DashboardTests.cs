using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Flock.Cli.Pbm.Output;
using Flock.Media.Storage;
using Flock.Messages.Jobs;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// The web dashboard in Debian's headless chromium (driven by playwright-core, tests/Dashboard/dashboard.mjs) against a
/// real seed and two nodes (one that fails every chunk): nothing without a token, read-only with a read-only token, live
/// grid, node rows with encoding and reserved chunks, the fps chart, a screenshot while the job runs, times, output size
/// and bitrate, the event feed (chunks failed and retried, a node quarantined and lost, a job failed with its reason),
/// paging of settled jobs, and the output downloaded through the page once it is done.
/// </summary>
public sealed class DashboardTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string AdminToken = "dashboard-test-token";
    private const string ReadToken = "dashboard-read-only-token";

    [Fact]
    public async Task Dashboard_should_show_a_running_job_live_its_history_and_events_and_download_its_output()
    {
        Assert.True(File.Exists(Chromium), $"chromium is missing ({Chromium}): the dashboard test needs Debian's chromium; `./flock test` installs it when run as root, otherwise run 'sudo apt-get install chromium'");
        var scripts = await PrepareScriptsAsync();

        // Plain HTTP (tls = off) so the headless browser needs no certificate exception; the job is named by path, so
        // the scratch folder is a media root. Two failed chunks quarantine a node, and a killed node is lost in seconds.
        using var cluster = new TestCluster(tls: false);
        var roots = cluster.Scratch.File("roots.conf");
        await File.WriteAllTextAsync(roots, $"flock.seed.media-roots = [{JsonSerializer.Serialize(cluster.Scratch.Path)}]\nflock.seed.read-only-tokens = [\"{ReadToken}\"]\n"
            + "flock.seed.quarantine.failures = 2\nflock.seed.heartbeat-interval = 1s\nflock.seed.unreachable-after = 3s\n");
        var seed = await cluster.StartSeedAsync(adminToken: AdminToken, configFile: roots);
        // node-d is paced to real time (the 24 s job takes about 24 s on any machine, long enough to be seen running)
        // and fails only what is encoded at -crf 31: the job meant to fail fails on every node, with a reason.
        var ffmpeg = FfmpegTool.FfmpegPath.Replace("'", "'\\''", StringComparison.Ordinal);
        var paced = await cluster.ScriptAsync("paced-failing-ffmpeg",
            $"prev=\nfor a in \"$@\"; do\n  if [ \"$prev\" = -crf ] && [ \"$a\" = 31 ]; then echo 'simulated encoder failure at crf 31' >&2; exit 1; fi\n  prev=$a\ndone\nexec '{ffmpeg}' -readrate 1 \"$@\"\n");
        // node-bad passes its checks but fails every chunk (chunk encodes are the command lines with -copyts).
        var broken = await cluster.ScriptAsync("broken-ffmpeg",
            $"for a in \"$@\"; do [ \"$a\" = -copyts ] && {{ echo 'simulated broken encoder on node-bad' >&2; exit 1; }}; done\nexec '{ffmpeg}' \"$@\"\n");
        await cluster.StartNodeAsync("node-d", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = paced });
        var bad = await cluster.StartNodeAsync("node-bad", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = broken });
        // 4 s chunks at real time last long enough for ffmpeg to report a rate (it says 0 fps for the first second of an
        // encode). The short lookahead makes frames come out steadily instead of all at the end of a chunk.
        var source = cluster.Scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=24",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", source]);
        var small = cluster.Scratch.File("small.mp4");
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=2",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", small]);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cluster.Port}") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/jobs", new { inputPath = source })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/overview")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        async Task<string> SubmitAsync(string input, string output, params string[] options)
        {
            var submit = await http.PostAsJsonAsync("/api/jobs", new { inputPath = input, outputPath = cluster.Scratch.File(output), chunkSeconds = 4.0, options });
            Assert.True(submit.IsSuccessStatusCode, await submit.Content.ReadAsStringAsync());
            return (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }
        // Queued in this order: the watched job, one that fails everywhere, and a short one that makes a second page at 2 per page.
        var id = await SubmitAsync(source, "out.mp4", "-c:v", "libx264", "-preset", "medium", "-rc-lookahead", "5", "-crf", "23");
        var failingId = await SubmitAsync(small, "failing.mp4", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "31");
        var quickId = await SubmitAsync(small, "quick.mp4", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23");

        var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard", "dashboard.png");
        var finalShot = Path.Combine(AppContext.BaseDirectory, "dashboard", "dashboard-history.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        File.Delete(finalShot);
        var download = cluster.Scratch.File("downloaded.mp4");
        var browser = StartBrowser(scripts, new Dictionary<string, string>
        {
            ["FLOCK_URL"] = $"http://127.0.0.1:{cluster.Port}/?jobs=2",
            ["FLOCK_ADMIN_TOKEN"] = AdminToken,
            ["FLOCK_READ_TOKEN"] = ReadToken,
            ["FLOCK_NODE"] = "node-d",
            ["FLOCK_JOB"] = id,
            ["FLOCK_FAILING_JOB"] = failingId,
            ["FLOCK_QUICK_JOB"] = quickId,
            ["FLOCK_SCREENSHOT"] = screenshot,
            ["FLOCK_FINAL_SCREENSHOT"] = finalShot,
            ["FLOCK_DOWNLOAD"] = download,
        });

        // Once node-bad is quarantined it is killed outright: the feed must then say it was lost.
        await WaitForClusterEventAsync(http, "quarantined", "node-bad", TimeSpan.FromMinutes(3));
        bad.KillHard();

        var (exit, stdout, stderr) = await browser;
        // Kept beside the screenshots: a red run's seed log is what says why the page stalled.
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(screenshot)!, "seed.log"), seed.Output);
        Assert.True(exit == 0, $"the dashboard script failed ({exit}):\n{stderr}\n{stdout}\nseed (last 3000 chars):\n{seed.Output[^Math.Min(3000, seed.Output.Length)..]}");
        var seen = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        var job = await http.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}");
        var failing = await http.GetFromJsonAsync<JsonElement>($"/api/jobs/{failingId}");
        var chunks = job.GetProperty("chunks").GetArrayLength();

        Assert.Equal(id, seen.GetProperty("jobId").GetString());
        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.Equal(0, seen.GetProperty("noTokenNodeRows").GetInt32());
        Assert.Equal(0, seen.GetProperty("noTokenJobs").GetInt32());
        // Without a token the page says a token is needed, not "connecting..." over "No node has joined yet".
        Assert.Equal("token needed", seen.GetProperty("noTokenConnection").GetString());
        Assert.StartsWith("Paste a token above to see the cluster", seen.GetProperty("noTokenNodesNote").GetString(), StringComparison.Ordinal);
        Assert.False(seen.GetProperty("noTokenEventsVisible").GetBoolean(), "without a token no event should show");
        Assert.Equal("read-only", seen.GetProperty("readOnlyAccess").GetString());
        Assert.False(seen.GetProperty("readOnlySubmitVisible").GetBoolean(), "submit should be hidden without a token");
        Assert.Equal(0, seen.GetProperty("readOnlyCancelButtons").GetInt32());
        Assert.Equal(0, seen.GetProperty("wrongTokenCancelButtons").GetInt32());
        Assert.True(seen.GetProperty("adminSubmitVisible").GetBoolean(), "the admin token should show the submit form");
        Assert.Equal(chunks, seen.GetProperty("gridCells").GetInt32());
        Assert.Equal("up", seen.GetProperty("nodeRowStatus").GetString());
        Assert.True(seen.GetProperty("nodeFps").GetDouble() > 0, "the node row should show the frames per second it encodes");
        Assert.True(seen.GetProperty("stateAfterScreenshot").GetString() == "encoding", "the screenshot should be of a job still running");
        var atScreenshot = seen.GetProperty("chunkStatesAtScreenshot").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.True(atScreenshot.Any(s => s != "done"), $"some chunk should still be unfinished in the screenshot: {string.Join(",", atScreenshot)}");
        // The node row says which chunk it encodes (the grid's encoding cell) apart from those only reserved for it.
        Assert.Contains($"#{id} chunk ", seen.GetProperty("nodeEncodingAtScreenshot").GetString(), StringComparison.Ordinal);
        Assert.Matches(@"^(—|#\d+ chunk \d+(, #\d+ chunk \d+)*)$", seen.GetProperty("nodeReservedAtScreenshot").GetString());
        Assert.True(seen.GetProperty("chartPointsWhileRunning").GetInt32() >= 2, "the fps chart should have points while the job runs");
        // While it runs the card reads as `pbm job watch`'s summary line does: elapsed, now and average fps, the size
        // of the verified chunks so far of what that extrapolates to, in pbm's units.
        const string Size = @"\d+(\.\d)? (KiB|MiB|GiB)";
        const string Duration = @"^(\d+s|\d+m\d{2}s|\d+h\d{2}m)$";
        Assert.Matches(Duration, seen.GetProperty("runningElapsed").GetString());
        Assert.Matches(Duration, seen.GetProperty("runningEta").GetString());
        Assert.Matches(@"^\d+\.\d fps$", seen.GetProperty("runningAvg").GetString());
        Assert.Matches(@"^(\d+\.\d fps|—)$", seen.GetProperty("runningFps").GetString());
        Assert.Matches($"^{Size} of ~{Size}$", seen.GetProperty("runningSize").GetString());
        Assert.Equal(chunks, seen.GetProperty("doneCells").GetInt32());

        // Times, output name, size and bitrate as the seed reports them.
        Assert.Matches(@"^\d{1,2}:\d{2}:\d{2}", seen.GetProperty("submitted").GetString());
        Assert.Matches(@"^\d{1,2}:\d{2}:\d{2}", seen.GetProperty("finished").GetString());
        // Elapsed, average rate and size are the seed's figures in pbm's words: the same as `pbm job show` prints.
        var settled = await http.GetFromJsonAsync<JobResponse>($"/api/jobs/{id}");
        Assert.Equal(JobFormatter.Duration(settled!.ElapsedSeconds), seen.GetProperty("elapsed").GetString());
        Assert.Equal(JobFormatter.Rate(settled.AverageFramesPerSecond), seen.GetProperty("avg").GetString());
        Assert.Equal(JobFormatter.Size(settled), seen.GetProperty("size").GetString());
        Assert.Equal("out.mp4", seen.GetProperty("output").GetString());
        var outputBytes = new FileInfo(cluster.Scratch.File("out.mp4")).Length;
        Assert.Equal(outputBytes, job.GetProperty("outputFileBytes").GetInt64());
        Assert.InRange(job.GetProperty("outputBitrate").GetDouble(), outputBytes * 8 / 24.5, outputBytes * 8 / 23.5);
        Assert.Equal(DiskSpace.Format(outputBytes), seen.GetProperty("size").GetString());
        Assert.Equal($"{Math.Round(job.GetProperty("outputBitrate").GetDouble() / 1000, MidpointRounding.AwayFromZero)} kb/s", seen.GetProperty("bitrate").GetString());
        Assert.True(seen.GetProperty("chartPointsWhenDone").GetInt32() >= 2, "the finished job should keep its fps chart");

        // The failing job says why, on its card and in the feed; the feed also has the retried chunks and the bad node.
        Assert.Equal("failed", failing.GetProperty("state").GetString());
        var reason = failing.GetProperty("error").GetString()!;
        Assert.Contains("simulated encoder failure at crf 31", reason, StringComparison.Ordinal);
        Assert.Equal("failed: " + reason, seen.GetProperty("failedJobError").GetString());
        var kinds = seen.GetProperty("eventKinds").EnumerateArray().Select(k => k.GetString()).ToList();
        foreach (var kind in new[] { "quarantined", "chunk-failed", "chunk-retried", "job-failed", "job-completed" })
            Assert.Contains(kind, kinds);
        Assert.Contains(kinds, k => k is "unreachable" or "downed" or "removed");
        Assert.Contains(seen.GetProperty("eventTexts").EnumerateArray().Select(t => t.GetString()!), t => t.Contains("job failed", StringComparison.Ordinal)
            && t.Contains("simulated encoder failure at crf 31", StringComparison.Ordinal));
        Assert.Contains(seen.GetProperty("eventTexts").EnumerateArray().Select(t => t.GetString()!), t => t.Contains("node lost", StringComparison.Ordinal)
            && t.Contains("node-bad", StringComparison.Ordinal));

        // Two settled jobs a page: the newest two first, the oldest on the next page, and back.
        Assert.Equal(new[] { quickId, failingId }, seen.GetProperty("firstPage").EnumerateArray().Select(j => j.GetString()!).ToArray());
        Assert.Equal(new[] { id }, seen.GetProperty("olderPage").EnumerateArray().Select(j => j.GetString()!).ToArray());
        Assert.Equal(new[] { quickId, failingId }, seen.GetProperty("backToNewest").EnumerateArray().Select(j => j.GetString()!).ToArray());
        Assert.Empty(seen.GetProperty("pageErrors").EnumerateArray());

        // The same paging and events for scripts: /api/jobs?limit=&before= and /api/jobs/events.
        static string[] Ids(JsonElement list) => list.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()!).ToArray();
        var newest = await http.GetFromJsonAsync<JsonElement>("/api/jobs?limit=2");
        Assert.Equal(new[] { quickId, failingId }, Ids(newest));
        Assert.Equal((failingId, 3), (newest.GetProperty("older").GetString(), newest.GetProperty("total").GetInt32()));
        var oldest = await http.GetFromJsonAsync<JsonElement>($"/api/jobs?limit=2&before={newest.GetProperty("older").GetString()}");
        Assert.Equal(new[] { id }, Ids(oldest));
        Assert.Equal(JsonValueKind.Null, oldest.GetProperty("older").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/jobs?limit=0")).StatusCode);
        var jobEvents = (await http.GetFromJsonAsync<JsonElement>("/api/jobs/events")).GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(jobEvents, e => e.GetProperty("kind").GetString() == "job-failed" && e.GetProperty("jobId").GetString() == failingId
            && e.GetProperty("detail").GetString() == $"job {failingId} failed: {reason}");

        foreach (var shot in new[] { screenshot, finalShot })
            Assert.True(File.Exists(shot) && new FileInfo(shot).Length > 10_000, $"the screenshot {shot} should have been written");
        var output = await http.GetByteArrayAsync($"/api/jobs/{id}/output");
        Assert.Equal(Convert.ToHexString(SHA256.HashData(output)), Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(download))));

        // `./flock test` keeps the latest screenshots in the repository for the README: only from a run that passed.
        if (Environment.GetEnvironmentVariable("FLOCK_REPO_ROOT") is { Length: > 0 } repo)
        {
            Directory.CreateDirectory(Path.Combine(repo, "docs"));
            File.Copy(screenshot, Path.Combine(repo, "docs", "dashboard.png"), overwrite: true);
            File.Copy(finalShot, Path.Combine(repo, "docs", "dashboard-history.png"), overwrite: true);
        }
    }

    [Fact]
    public async Task Dashboard_should_submit_a_live_job_and_play_it_from_the_start_past_the_first_chunk_while_it_encodes()
    {
        Assert.True(File.Exists(Chromium), $"chromium is missing ({Chromium})");
        var scripts = await PrepareScriptsAsync();
        using var cluster = new TestCluster(tls: false);
        var seed = await cluster.StartSeedAsync(adminToken: AdminToken);
        // Paced to real time: the 20 s job takes about 20 s however fast the machine, while the player, started once
        // chunk 0 is verified, needs chunk 1 to get past 3 s. Playback and encoding run at the same pace, so the job is
        // still encoding then unless the player stalled for most of the job.
        await cluster.StartNodeAsync("node-live", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await cluster.PacedFfmpegAsync() });
        var source = cluster.Scratch.File("source.mp4");
        // With an audio track, muxed into the live segments with the video, and subtitles, a WebVTT rendition: the player must play all three.
        var srt = cluster.Scratch.File("cues.srt");
        await File.WriteAllTextAsync(srt, "1\n00:00:01,000 --> 00:00:02,000\nfirst cue\n\n2\n00:00:04,500 --> 00:00:05,500\nsecond cue\n");
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=20", "-f", "lavfi", "-i", "sine=d=20",
            "-i", srt, "-map", "0", "-map", "1", "-map", "2", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-c:s", "mov_text", "-metadata:s:s:0", "language=eng", source]);
        var screenshot = cluster.Scratch.File("dashboard-live.png");

        var (exit, stdout, stderr) = await RunAsync("node", ["live.mjs"], scripts, new Dictionary<string, string>
        {
            ["FLOCK_URL"] = cluster.BaseUrl + "/",
            ["FLOCK_ADMIN_TOKEN"] = AdminToken,
            ["FLOCK_SOURCE"] = source,
            ["FLOCK_OPTIONS"] = "-c:v libx264 -preset veryfast -g 25 -threads 1",
            ["FLOCK_CHUNK_SECONDS"] = "2",
            ["FLOCK_PAST_SECONDS"] = "3",
            ["FLOCK_SCREENSHOT"] = screenshot,
        }, TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, $"the live dashboard script failed ({exit}):\n{stderr}\n{stdout}\nseed (last 3000 chars):\n{seed.Output[^Math.Min(3000, seed.Output.Length)..]}");
        var seen = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        var id = seen.GetProperty("jobId").GetString()!;
        Assert.Equal(id, seen.GetProperty("playerJob").GetString());
        Assert.True(seen.GetProperty("reached").GetDouble() > 3, stdout);
        Assert.True(seen.GetProperty("audioDecodedBytes").GetInt64() > 0, $"the player decoded no audio: {stdout}");
        var cues = seen.GetProperty("textCues").EnumerateArray()
            .Select(c => (c.GetProperty("language").GetString(), Math.Round(c.GetProperty("start").GetDouble(), 2), Math.Round(c.GetProperty("end").GetDouble(), 2), c.GetProperty("text").GetString()))
            .ToList();
        Assert.True(cues.SequenceEqual([("eng", 1.0, 2.0, "first cue"), ("eng", 4.5, 5.5, "second cue")]), $"the player's subtitle cues: {stdout}");
        Assert.Equal("encoding", seen.GetProperty("stateWhenPast").GetString());
        Assert.False(seen.GetProperty("playlistEndedWhenPast").GetBoolean(), "the playlist should not have ended while the job encodes");
        Assert.Equal("", seen.GetProperty("playerStatus").GetString());
        Assert.Equal(0, seen.GetProperty("pageErrors").GetArrayLength());

        var job = await cluster.WaitForJobAsync(id, j => j.GetProperty("state").GetString() is "completed" or "failed", TimeSpan.FromMinutes(3), "the live job to end");
        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.True(job.GetProperty("chunks").GetArrayLength() >= 5, $"a 20 s source in 2 s chunks: {job}");
        if (Environment.GetEnvironmentVariable("FLOCK_REPO_ROOT") is { Length: > 0 } repo)
        {
            Directory.CreateDirectory(Path.Combine(repo, "docs"));
            File.Copy(screenshot, Path.Combine(repo, "docs", "dashboard-live.png"), overwrite: true);
        }
    }

    private static async Task WaitForClusterEventAsync(HttpClient http, string kind, string node, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var events = await http.GetFromJsonAsync<JsonElement>("/api/cluster/events", cts.Token);
            if (events.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("kind").GetString() == kind && e.GetProperty("node").GetString() == node)) return;
            try { await Task.Delay(250, cts.Token); }
            catch (OperationCanceledException) { Assert.Fail($"no {kind} event for {node} within {timeout}: {events}"); }
        }
    }

    /// <summary>tests/Dashboard with its npm packages installed from the committed lock file.</summary>
    private static async Task<string> PrepareScriptsAsync()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "Dashboard", "dashboard.mjs"))) dir = dir.Parent;
        Assert.True(dir is not null, $"tests/Dashboard not found above {AppContext.BaseDirectory}");
        var scripts = Path.Combine(dir.FullName, "tests", "Dashboard");
        if (!File.Exists(Path.Combine(scripts, "node_modules", "playwright-core", "package.json")))
        {
            var (exit, stdout, stderr) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], scripts, new Dictionary<string, string>(), TimeSpan.FromMinutes(5));
            Assert.True(exit == 0, $"npm ci in {scripts} failed ({exit}):\n{stdout}\n{stderr}");
        }
        return scripts;
    }

    private static Task<(int Exit, string Stdout, string Stderr)> StartBrowser(string scripts, IReadOnlyDictionary<string, string> env) =>
        RunAsync("node", ["dashboard.mjs"], scripts, env, TimeSpan.FromMinutes(8));

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string file, string[] args, string workDir, IReadOnlyDictionary<string, string> env, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workDir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        Process process;
        try { process = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException($"cannot run {file} (is Node.js installed? `./flock test` installs it as root): {e.Message}", e); }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try { await process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return (-1, await stdout, $"timed out after {timeout}\n{await stderr}");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
