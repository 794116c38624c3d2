using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// The web dashboard in Debian's headless chromium (driven by playwright-core, tests/Dashboard/dashboard.mjs) against a
/// real seed and node: nothing without a token, read-only with a read-only token, live grid and node row, a screenshot while the job runs, and the
/// output downloaded through the page once it is done.
/// </summary>
public sealed class DashboardTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string AdminToken = "dashboard-test-token";
    private const string ReadToken = "dashboard-read-only-token";

    [Fact]
    public async Task Dashboard_should_show_a_running_job_live_and_download_its_output()
    {
        Assert.True(File.Exists(Chromium), $"chromium is missing ({Chromium}): the dashboard test needs Debian's chromium; `./flock test` installs it when run as root, otherwise run 'sudo apt-get install chromium'");
        var scripts = await PrepareScriptsAsync();

        // Plain HTTP (tls = off) so the headless browser needs no certificate exception; the job is named by path, so
        // the scratch folder is a media root.
        using var cluster = new TestCluster(tls: false);
        var roots = cluster.Scratch.File("roots.conf");
        await File.WriteAllTextAsync(roots, $"flock.seed.media-roots = [{JsonSerializer.Serialize(cluster.Scratch.Path)}]\nflock.seed.read-only-tokens = [\"{ReadToken}\"]\n");
        await cluster.StartSeedAsync(adminToken: AdminToken, configFile: roots);
        // Paced to real time: the 24 s job takes about 24 s on any machine, long enough to be seen running.
        await cluster.StartNodeAsync("node-d", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await cluster.PacedFfmpegAsync() });
        // 4 s chunks at real time last long enough for ffmpeg to report a rate (it says 0 fps for the first second of an
        // encode). The short lookahead makes frames come out steadily instead of all at the end of a chunk.
        var source = cluster.Scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=24",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", source]);

        var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        var download = cluster.Scratch.File("downloaded.mp4");
        var browser = StartBrowser(scripts, new Dictionary<string, string>
        {
            ["FLOCK_URL"] = $"http://127.0.0.1:{cluster.Port}/",
            ["FLOCK_ADMIN_TOKEN"] = AdminToken,
            ["FLOCK_READ_TOKEN"] = ReadToken,
            ["FLOCK_NODE"] = "node-d",
            ["FLOCK_SCREENSHOT"] = screenshot,
            ["FLOCK_DOWNLOAD"] = download,
        });

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cluster.Port}") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/jobs", new { inputPath = source })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/overview")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        var submit = await http.PostAsJsonAsync("/api/jobs", new { inputPath = source, outputPath = cluster.Scratch.File("out.mp4"), chunkSeconds = 4.0,
            options = new[] { "-c:v", "libx264", "-preset", "medium", "-rc-lookahead", "5", "-crf", "23" } });
        Assert.True(submit.IsSuccessStatusCode, await submit.Content.ReadAsStringAsync());
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var (exit, stdout, stderr) = await browser;
        Assert.True(exit == 0, $"the dashboard script failed ({exit}):\n{stderr}\n{stdout}");
        var seen = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        var job = await http.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}");
        var chunks = job.GetProperty("chunks").GetArrayLength();

        Assert.Equal(id, seen.GetProperty("jobId").GetString());
        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.Equal(0, seen.GetProperty("noTokenNodeRows").GetInt32());
        Assert.Equal(0, seen.GetProperty("noTokenJobs").GetInt32());
        // Without a token the page says a token is needed, not "connecting..." over "No node has joined yet".
        Assert.Equal("token needed", seen.GetProperty("noTokenConnection").GetString());
        Assert.StartsWith("Paste a token above to see the cluster", seen.GetProperty("noTokenNodesNote").GetString(), StringComparison.Ordinal);
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
        Assert.Equal(chunks, seen.GetProperty("doneCells").GetInt32());
        Assert.Empty(seen.GetProperty("pageErrors").EnumerateArray());

        Assert.True(File.Exists(screenshot) && new FileInfo(screenshot).Length > 10_000, "the screenshot should have been written");
        var output = await http.GetByteArrayAsync($"/api/jobs/{id}/output");
        Assert.Equal(Convert.ToHexString(SHA256.HashData(output)), Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(download))));

        // `./flock test` keeps the latest screenshot in the repository for the README.
        if (Environment.GetEnvironmentVariable("FLOCK_REPO_ROOT") is { Length: > 0 } repo)
        {
            Directory.CreateDirectory(Path.Combine(repo, "docs"));
            File.Copy(screenshot, Path.Combine(repo, "docs", "dashboard.png"), overwrite: true);
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
