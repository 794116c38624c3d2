using System.Diagnostics;
using System.Text.Json;
using Flock.Messages.Jobs;
using Flock.Tests.Integration.Faults;
using Flock.Tests.Integration.Persistence;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.SeveralSeeds;

/// <summary>
/// Three seed members sharing a throwaway PostgreSQL journal and one shared dir, and two nodes, all real processes on
/// 127.0.0.1: the coordinating member is lost mid-job and another takes the job over from the journal.
/// </summary>
public sealed class SeedFailoverTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    /// <summary>
    /// With the default failure detection of seeds and nodes (not the fault rig's short one): the takeover time it
    /// records is what a user gets.
    /// </summary>
    [Fact]
    public Task Coordinator_killed_mid_job_should_hand_the_job_to_another_seed_member_and_complete_exactly() =>
        LoseTheCoordinatorMidJobAsync(a =>
        {
            a.Seed!.KillHard();
            return Task.CompletedTask;
        },
            "the coordinating seed member SIGKILLed mid-job (three seed members, PostgreSQL journal, shared dir; default failure detection: unreachable-after 5 s, removal-margin 2 s)",
            "its cluster member is unreachable, downed and removed; the oldest survivor starts the queue singleton and recovers every job from the journal; nodes stay in the cluster and move their control session to it",
            nameof(Coordinator_killed_mid_job_should_hand_the_job_to_another_seed_member_and_complete_exactly),
            afterwards: NodesStayedInTheClusterAsync, defaultDetection: true);

    [Fact]
    public Task Coordinator_stopped_mid_job_should_hand_the_job_over_and_complete_exactly() =>
        LoseTheCoordinatorMidJobAsync(async a =>
        {
            a.Seed!.Terminate();
            Assert.Equal(0, await a.Seed.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        },
            "the coordinating seed member stopped (SIGTERM) mid-job (three seed members, PostgreSQL journal, shared dir)",
            "it ends its node sessions and turns new ones away, leaves the cluster and hands the queue singleton over to the oldest survivor, which recovers every job from the journal; nodes stay in the cluster and move their control session to it",
            nameof(Coordinator_stopped_mid_job_should_hand_the_job_over_and_complete_exactly), afterwards: NodesStayedInTheClusterAsync);

    /// <summary>
    /// A node whose coordinator went while other seed members are up keeps its member: ending it would add one more
    /// unreachable member, each restarting the Split Brain Resolver's stable-after count (46 s to a takeover with 50 nodes).
    /// </summary>
    private static Task NodesStayedInTheClusterAsync(SeedMembers seeds, string id)
    {
        Assert.All(seeds.Others, node =>
        {
            Assert.Contains("staying in the cluster for the next one", node.Output);
            Assert.DoesNotContain("joining again with a fresh system", node.Output);
        });
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Coordinator_cut_off_mid_job_should_down_itself_and_leave_the_job_to_the_others()
    {
        // Its whole network unplugged, nothing closed: the coordinator finds itself alone against two seed members and
        // downs itself, while they down it, so there is never a second coordinator writing to the journal beside it.
        await using var network = await IsolatedNetwork.CreateAsync();
        await LoseTheCoordinatorMidJobAsync(_ => network.CutAsync(),
            "the coordinating seed member cut off mid-job (its network unplugged; three seed members, PostgreSQL journal, shared dir)",
            "no heartbeats either way; the Split Brain Resolver (keep-oldest, down-if-alone) downs it on both sides: it stops itself, the oldest survivor starts the queue singleton after the removal margin and recovers every job; nodes move their control session to it",
            nameof(Coordinator_cut_off_mid_job_should_down_itself_and_leave_the_job_to_the_others),
            network,
            async (seeds, id) =>
            {
                // Downed, it stopped by itself, saying why, so that its service starts it afresh.
                var a = seeds.Members[0];
                Assert.NotEqual(0, await a.Seed!.WaitForExitAsync(TimeSpan.FromSeconds(60)));
                Assert.Contains("the seed's own cluster member was removed from the cluster", a.Seed.Output);
                // Healed and started again without peers, it finds the running members in the shared dir and joins them
                // as a standby; its web side answers with the coordinator's view of the job.
                await network.HealAsync();
                var again = await seeds.RestartFirstAsync();
                await seeds.UntilAsync(async () => await SeedMembers.SeedMembersUpAsync(seeds.Members[1]) == 3, "the restarted member up beside the other two");
                Assert.Contains("joining the seed members at", again.Output);
                Assert.DoesNotContain("forms the cluster", again.Output);
                var job = await seeds.WaitForJobAsync(a, id, j => true, "the job through the restarted member");
                Assert.Equal("completed", job.GetProperty("state").GetString());
            });
    }

    /// <summary>Nodes as users run them, but for a short join benchmark and one encoder thread (the test's cores are few).</summary>
    private const string DefaultDetectionNodeConfig = "flock.node { benchmark-seconds = 0.5\n threads = 1 }";

    /// <param name="defaultDetection">Seeds and nodes with their default heartbeats, failure detection and reconnect waits.</param>
    private async Task LoseTheCoordinatorMidJobAsync(Func<TestCluster, Task> lose, string fault, string detection, string test,
        IsolatedNetwork? network = null, Func<SeedMembers, string, Task>? afterwards = null, bool defaultDetection = false)
    {
        await using var seeds = await SeedMembers.StartAsync(postgres, 3, network, defaultDetection ? "" : FaultRig.SeedConfig);
        var nodeConfig = defaultDetection ? DefaultDetectionNodeConfig : FaultRig.NodeConfig;
        var (a, b, c) = (seeds.Members[0], seeds.Members[1], seeds.Members[2]);
        Assert.Contains("forms the cluster", a.Seed!.Output);
        Assert.Contains("joining the seed members at", b.Seed!.Output);

        // The nodes know every member's web address, as a user would give them. Once a is gone they move on to b and
        // c, which forward to the coordinator (b, the oldest survivor) or answer 503 until it has taken over.
        var nodes = string.Join(',', seeds.Members.Select(m => $"{m.Host}:{m.Port}"));
        var ffmpeg = await b.PacedFfmpegAsync(speed: 2);
        var n1 = await b.StartNodeAsync("node-1", seed: nodes, config: nodeConfig, env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = ffmpeg });
        var n2 = await b.StartNodeAsync("node-2", seed: nodes, config: nodeConfig, env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = ffmpeg });
        seeds.Others.AddRange([n1, n2]);
        var source = b.Scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=16", "-f", "lavfi", "-i", "sine=d=16",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "2", "-c:a", "aac", "-shortest", source]);
        // Submitted at b, which stands by: the job API is forwarded to a.
        var id = await b.SubmitDetachedAsync(source, b.Scratch.File("out.mp4"), 1, FaultRig.Options);

        var before = await seeds.WaitForJobAsync(b, id, j => Chunks(j).Count(ch => ch.GetProperty("state").GetString() == "done") >= 3
            && Chunks(j).Any(ch => ch.GetProperty("state").GetString() is "encoding" or "assigned"), "three chunks done and more in flight");
        var doneBefore = Chunks(before).Where(ch => ch.GetProperty("state").GetString() == "done").Select(ch => ch.GetProperty("index").GetInt32()).ToHashSet();
        var clock = Stopwatch.StartNew();
        var lostAt = DateTimeOffset.UtcNow;
        await lose(a);

        // Another member coordinates once it hands out work: a chunk not done when a went away is done.
        var (_, takeover) = await seeds.WaitForAsync(b, id, clock, j => Chunks(j).Count(ch => ch.GetProperty("state").GetString() == "done") > doneBefore.Count,
            "a chunk done after the coordinator went away");
        var job = await seeds.WaitForJobAsync(b, id, j => JobStates.IsFinal(j.GetProperty("state").GetString()!), "the job to end", TimeSpan.FromMinutes(3));
        Assert.True(job.GetProperty("state").GetString() == "completed", job + seeds.Logs(n1, n2));
        Assert.All(Chunks(job), ch => Assert.Equal("done", ch.GetProperty("state").GetString()));
        Assert.Equal(job.GetProperty("totalFrames").GetInt32(), Chunks(job).Sum(ch => ch.GetProperty("frames").GetInt32()));
        // Nothing verified is encoded again: the chunks done before the coordinator went kept their one attempt.
        Assert.All(Chunks(job).Where(ch => doneBefore.Contains(ch.GetProperty("index").GetInt32())), ch => Assert.Equal(1, ch.GetProperty("attempts").GetInt32()));

        // The takeover proper: the first chunk attempt the new coordinator handed out (the seeds' clock is this machine's).
        var handedOut = Chunks(job).SelectMany(ch => ch.GetProperty("history").EnumerateArray()).Select(h => h.GetProperty("started").GetDateTimeOffset())
            .Where(at => at > lostAt).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        Assert.True(handedOut < DateTimeOffset.MaxValue, "no chunk was handed out after the coordinator went away: " + job);
        var handOut = handedOut - lostAt;

        // Any surviving member answers, c as well as b, and the output is what one machine makes.
        var output = c.Scratch.File("fetched.mp4");
        var fetch = await c.PbmAsync("job", "fetch", id, output);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr + seeds.Logs(n1, n2));
        var reference = await ReferenceEncode.EncodeAsync(source, c.Scratch.File("reference.mp4"), FaultRig.Options);
        await MediaComparer.AssertEquivalentAsync(reference, output);
        if (afterwards is not null) await afterwards(seeds, id);
        ReliabilityLog.Record(fault, detection + $"; work handed out again after {handOut.TotalSeconds:0.0} s", takeover,
            "the chunks in flight (encoded again where their node's result did not survive); verified chunks kept", test);
    }

    [Fact]
    public async Task Seed_members_started_at_once_on_an_empty_shared_dir_should_form_one_cluster()
    {
        await using var seeds = await SeedMembers.StartAsync(postgres, 3, atOnce: true);

        // One formed it (and created the shared keys); the others waited for it to be up, then joined it.
        Assert.Single(seeds.Members, m => m.Seed!.Output.Contains("forms the cluster", StringComparison.Ordinal));
        Assert.Single(seeds.Members, m => m.Seed!.Output.Contains("created the cluster's certificate authority", StringComparison.Ordinal));
        Assert.Equal(2, seeds.Members.Count(m => m.Seed!.Output.Contains("joining the seed members at", StringComparison.Ordinal)));
        // Each member's view is the coordinator's: the three of them up in one cluster.
        foreach (var member in seeds.Members)
            await seeds.UntilAsync(async () => await SeedMembers.SeedMembersUpAsync(member) == 3, "three seed members up in one cluster");
        Assert.False(File.Exists(Path.Combine(seeds.SharedDir, Flock.Seed.Cluster.SeedMemberRegistry.DirectoryName, Flock.Seed.Cluster.SeedStartLock.FileName)));
    }

    [Fact]
    public async Task A_further_seed_member_without_a_shared_dir_or_on_sqlite_should_be_refused_with_one_line()
    {
        using var cluster = new TestCluster();
        var noShared = await FlockProcess.RunAsync(["seed", "--urls", cluster.BaseUrl, "--data", cluster.DataDir, "--peer", "127.0.0.1:1"], TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["FLOCK_CLUSTER_KEY"] = cluster.Key, ["FLOCK_TOKEN"] = cluster.AdminToken });
        Assert.NotEqual(0, noShared.ExitCode);
        Assert.Contains("needs flock.seed.shared-dir", noShared.Stderr);

        var onSqlite = await FlockProcess.RunAsync(["seed", "--urls", cluster.BaseUrl, "--data", cluster.DataDir, "--peer", "127.0.0.1:1"], TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["FLOCK_CLUSTER_KEY"] = cluster.Key, ["FLOCK_TOKEN"] = cluster.AdminToken, ["FLOCK_SEED_SHARED_DIR"] = cluster.Scratch.File("shared") });
        Assert.NotEqual(0, onSqlite.ExitCode);
        Assert.Contains("flock.seed.journal.provider = postgresql", onSqlite.Stderr);
        Assert.Single(onSqlite.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
    }

    private static IEnumerable<JsonElement> Chunks(JsonElement job) => job.GetProperty("chunks").EnumerateArray();
}
