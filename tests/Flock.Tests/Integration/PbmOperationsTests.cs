using System.Text.Json;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>pbm as an operator uses it: retry and priority, the interactive session, and its errors.</summary>
public sealed class PbmOperationsTests
{
    private static int DoneChunks(JsonElement job) => job.GetProperty("chunks").EnumerateArray().Count(c => c.GetProperty("state").GetString() == "done");

    [Fact]
    public async Task Cancelled_job_should_run_again_on_retry_keeping_its_verified_chunks()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("retry-a");
        var source = await ClusterTests.BusyClipAsync(cluster.Scratch);
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 3, ClusterTests.Options);

        var priority = await cluster.PbmAsync("job", "priority", id, "7");
        Assert.True(priority.ExitCode == 0, priority.Stderr);
        Assert.Equal($"{id} priority 7", priority.Stdout.Trim());
        Assert.Equal(7, (await cluster.JobAsync(id)).GetProperty("priority").GetInt32());

        await cluster.WaitForJobAsync(id, j => DoneChunks(j) >= 1, TimeSpan.FromMinutes(3), "a verified chunk");
        var cancel = await cluster.PbmAsync("job", "cancel", id);
        Assert.True(cancel.ExitCode == 0, cancel.Stderr);
        var cancelled = await cluster.JobAsync(id);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        var verified = cancelled.GetProperty("chunks").EnumerateArray().Where(c => c.GetProperty("state").GetString() == "done")
            .ToDictionary(c => c.GetProperty("index").GetInt32(), c => c.GetProperty("attempts").GetInt32());
        Assert.True(verified.Count < cancelled.GetProperty("chunks").GetArrayLength(), "the cancel should land before the last chunk");

        var retry = await cluster.PbmAsync("job", "retry", id);
        Assert.True(retry.ExitCode == 0, retry.Stderr);
        Assert.StartsWith($"{id} encoding (", retry.Stdout.Trim(), StringComparison.Ordinal);

        var done = await cluster.WaitForJobAsync(id, j => j.GetProperty("state").GetString() is "completed" or "failed", TimeSpan.FromMinutes(4), "the retried job to end");
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        Assert.Equal(done.GetProperty("totalFrames").GetInt32(), done.GetProperty("encodedFrames").GetInt32());
        // Chunks verified before the cancel were kept, not encoded again.
        foreach (var (index, attempts) in verified)
            Assert.Equal(attempts, done.GetProperty("chunks")[index].GetProperty("attempts").GetInt32());

        var again = await cluster.PbmAsync("job", "retry", id);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"error: job {id} is completed; only a failed or cancelled job can be retried", again.Stderr.Trim());
        var late = await cluster.PbmAsync("job", "priority", id, "1");
        Assert.Equal(1, late.ExitCode);
        Assert.StartsWith("error: ", late.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interactive_session_should_run_each_piped_line_as_a_pbm_command_and_keep_a_history()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("session-a");
        var lines = "help\ncluster show\n\njob show 99\nfrobnicate now\njob list --json\nhistory\nquit\ncluster show\n";
        Assert.Equal(0, (await cluster.PbmAsync("job", "list")).ExitCode); // pins the seed's certificate, so the session says nothing about it

        var (exit, stdout, stderr) = await FlockProcess.RunAsync(["pbm", $"127.0.0.1:{cluster.Port}"], TimeSpan.FromMinutes(2), cluster.ClientEnvironment(), stdin: lines);

        Assert.True(exit == 0, stderr);
        var prompt = $"[127.0.0.1:{cluster.Port}] pbm> ";
        Assert.Contains(prompt + "cluster show\n", stdout, StringComparison.Ordinal);
        Assert.Contains("  job watch ID [--json]", stdout, StringComparison.Ordinal); // help
        Assert.Matches(@"(?m)^[^|]+ \| \[encoder\] \| (joining|up) \| reachable [^|]+\| session-a \| ", stdout);
        Assert.Contains("{\"jobs\":[]", stdout, StringComparison.Ordinal);
        // An error is one line and the session goes on.
        // A word that is no command: one line pointing at help, not the whole usage.
        Assert.Equal("error: no job 99\nerror: unknown command 'frobnicate': type help", stderr.Trim());
        Assert.Contains("   1  help\n   2  cluster show\n   3  job show 99\n   4  frobnicate now\n   5  job list --json\n   6  history\n", stdout, StringComparison.Ordinal);
        // Nothing after quit runs.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(stdout, "(?m)^Count: "));
    }

    [Fact]
    public async Task Pbm_should_say_once_and_clearly_when_the_seed_is_unreachable_or_refuses_the_token()
    {
        var closed = FlockProcess.FreePort();
        var unreachable = await FlockProcess.RunAsync(["pbm", $"127.0.0.1:{closed}", "cluster", "show"]);
        Assert.Equal(1, unreachable.ExitCode);
        // A HOST:PORT is tried over TLS first: the error names the address really tried.
        Assert.Equal($"error: cannot reach seed at https://127.0.0.1:{closed}: Connection refused", unreachable.Stderr.Trim());
        Assert.Equal("", unreachable.Stdout);

        using var scratch = Support.ScratchDirectory.Create("flock-token");
        var port = FlockProcess.FreePort();
        using var seed = FlockProcess.Start(["seed", "--urls", $"http://127.0.0.1:{port}", "--data", scratch.File("data")],
            new Dictionary<string, string> { ["FLOCK_CLUSTER_KEY"] = "k", ["FLOCK_TOKEN"] = "right-token", ["FLOCK_SEED_TLS"] = "off" });
        await seed.WaitForOutputAsync("seed listening on", TimeSpan.FromSeconds(30));

        var wrong = await FlockProcess.RunAsync(["pbm", $"127.0.0.1:{port}", "--token", "wrong-token", "job", "list"]);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Equal("error: the seed refused the token (set FLOCK_TOKEN or --token)", wrong.Stderr.Trim());
        var right = await FlockProcess.RunAsync(["pbm", $"127.0.0.1:{port}", "job", "list"], env: new Dictionary<string, string> { ["FLOCK_TOKEN"] = "right-token" });
        Assert.True(right.ExitCode == 0, right.Stderr);
        Assert.Equal("Count: 0 jobs", right.Stdout.Trim());
    }
}
