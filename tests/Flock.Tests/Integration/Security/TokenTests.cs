using System.Net;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Security;

/// <summary>The job API wants a token: admin for everything, read-only for looking; guessing is slowed down.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TokenTests
{
    private static readonly Dictionary<string, string> NoToken = new() { ["FLOCK_TOKEN"] = "" };

    [Fact]
    public async Task Seed_without_a_configured_token_should_create_one_that_only_its_owner_can_read()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync(env: NoToken);
        var file = Path.Combine(cluster.DataDir, "admin.token");
        Assert.Contains($"created an admin token in {file}", seed.Output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var token = (await File.ReadAllTextAsync(file)).Trim();
        Assert.Equal(64, token.Length);

        var right = await cluster.PbmWithAsync(NoToken, "--token", token, "job", "list");
        Assert.True(right.ExitCode == 0, right.Stderr);

        var missing = await cluster.PbmWithAsync(NoToken, "job", "list");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("error: no token: set FLOCK_TOKEN or pass --token (the seed keeps its admin token in <data-dir>/admin.token)", missing.Stderr.Trim());

        var wrong = await cluster.PbmWithAsync(new Dictionary<string, string> { ["FLOCK_TOKEN"] = "guess" }, "job", "list");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Equal("error: the seed refused the token (set FLOCK_TOKEN or --token)", wrong.Stderr.Trim());

        // A restart keeps the same token.
        seed.KillHard();
        var again = await cluster.StartSeedAsync(env: NoToken);
        Assert.DoesNotContain("created an admin token", again.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await cluster.PbmWithAsync(new Dictionary<string, string> { ["FLOCK_TOKEN"] = token }, "job", "list")).ExitCode);
    }

    [Fact]
    public async Task Read_only_token_should_list_and_show_but_not_submit_or_cancel()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var create = await FlockProcess.RunAsync(["seed", "token", "create", "--read-only", "--data", cluster.DataDir]);
        Assert.True(create.ExitCode == 0, create.Stderr);
        var readOnly = create.Stdout.Trim();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(cluster.DataDir, "read-only.tokens")));
        var asReader = new Dictionary<string, string> { ["FLOCK_TOKEN"] = readOnly };

        Assert.Equal(0, (await cluster.PbmWithAsync(asReader, "job", "list")).ExitCode);
        Assert.Equal(0, (await cluster.PbmWithAsync(asReader, "cluster", "show")).ExitCode);

        var source = await Support.TestClips.ConstantFrameRateMp4();
        var submit = await cluster.PbmWithAsync(asReader, "job", "submit", source, cluster.Scratch.File("out.mp4"), "--detach");
        Assert.Equal(1, submit.ExitCode);
        Assert.Equal("error: this token is read-only: it can list and show, not submit or cancel", submit.Stderr.Trim());

        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 2);
        var cancel = await cluster.PbmWithAsync(asReader, "job", "cancel", id);
        Assert.Equal(1, cancel.ExitCode);
        Assert.Contains("read-only", cancel.Stderr, StringComparison.Ordinal);
        Assert.NotEqual("cancelled", (await cluster.JobAsync(id)).GetProperty("state").GetString());

        using var reader = cluster.CreateClient(readOnly);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync($"api/jobs/{id}/cancel", null)).StatusCode);
        using var anonymous = cluster.CreateClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/jobs")).StatusCode);
    }

    [Fact]
    public async Task A_burst_of_bad_tokens_should_be_refused_without_slowing_a_good_client()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        Assert.Equal(HttpStatusCode.OK, (await cluster.Http.GetAsync("api/jobs")).StatusCode); // pins the certificate before the burst
        using var guesser = cluster.CreateClient("wrong-token");
        var burst = Enumerable.Range(0, 12).Select(_ => guesser.GetAsync("api/jobs")).ToArray();

        // A good client on the same address, and one on another loopback address, are answered at once.
        var good = await cluster.Http.GetAsync("api/jobs");
        using var other = cluster.CreateClient(cluster.AdminToken, LoopbackSource.From(IPAddress.Parse("127.0.0.2")));
        var goodElsewhere = await other.GetAsync("api/jobs");
        var stillHeld = burst.Count(t => !t.IsCompleted);

        var statuses = (await Task.WhenAll(burst)).Select(r => r.StatusCode).ToList();
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(HttpStatusCode.OK, goodElsewhere.StatusCode);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(7, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.True(stillHeld > 0, "the over-limit failures should still be held (one second each, one at a time) when the good clients were served");

        // Another address is not affected by the guesser's record.
        using var otherGuess = cluster.CreateClient("wrong-token", LoopbackSource.From(IPAddress.Parse("127.0.0.3")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherGuess.GetAsync("api/jobs")).StatusCode);
    }
}
