using System.Text.Json;
using Flock.Seed.Hosting;
using Flock.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Flock.Tests.Integration.Persistence;

/// <summary>
/// `flock.seed.retention`: settled jobs beyond the newest kept ones are compacted to one snapshot, their events and
/// their chunks' journals deleted, and `job show` still tells their whole story, across a restart too.
/// </summary>
public sealed class RetentionTests
{
    private static IEnumerable<JsonElement> Chunks(JsonElement job) => job.GetProperty("chunks").EnumerateArray();

    [Fact]
    public async Task Settled_jobs_beyond_the_newest_kept_should_be_compacted_and_still_show_their_whole_history()
    {
        using var cluster = new TestCluster();
        const string config = "flock.seed.retention.keep-jobs = 1\n";
        var seed = await cluster.StartSeedAsync(config: config);
        // Real-time encodes, so that the cancel of job 2 lands while its chunks are out on the node.
        var node = await cluster.StartNodeAsync("box1", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await cluster.PacedFfmpegAsync() });
        var source = await TestClips.ConstantFrameRateMp4();
        string[] options = [.. ReferenceEncode.DefaultVideoOptions];
        string Logs() => "\nseed:\n" + seed.Output + "\nnode:\n" + node.Output;

        var first = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out1.mp4"), 2, options);
        var wait = await cluster.PbmAsync("job", "wait", first);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr + Logs());
        var firstShown = JobShown.Of(await cluster.JobAsync(first));
        var firstRows = await RowsAsync(cluster, first);
        Assert.True(firstRows.JobEvents >= 4 && firstRows.ChunkEvents >= 3 * Chunks(await cluster.JobAsync(first)).Count(), $"{firstRows}");

        // Job 2 settles (cancelled): now the newest settled job, it keeps its journal and job 1 is compacted.
        var second = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out2.mp4"), 2, options);
        await cluster.WaitForJobAsync(second, j => Chunks(j).Any(c => c.GetProperty("state").GetString() == "done"), TimeSpan.FromMinutes(2), "a chunk of job 2 done");
        var cancel = await cluster.PbmAsync("job", "cancel", second);
        Assert.True(cancel.ExitCode == 0, cancel.Stderr + Logs());
        await UntilAsync(() => seed.Output.Contains($"job {first} compacted:", StringComparison.Ordinal), "job 1 compacted" + Logs());
        var compacted = await RowsAsync(cluster, first);
        // One snapshot; of the events only what Akka.Persistence.Sql keeps to hold each journal's sequence number, marked deleted.
        Assert.Equal((0, 0, 1), (compacted.JobEvents, compacted.ChunkEvents, compacted.Snapshots));
        Assert.True(compacted.DeletedRows <= 1 + Chunks(await cluster.JobAsync(first)).Count(), $"{compacted}");
        Assert.Equal(firstShown, JobShown.Of(await cluster.JobAsync(first)));
        var secondRows = await RowsAsync(cluster, second);
        Assert.True(secondRows.JobEvents > 0 && secondRows.ChunkEvents > 0, $"job 2, the newest settled, keeps its events: {secondRows}");

        // Job 3 completes: job 2, cancelled, is compacted in turn; retried, it runs its unfinished chunks from nothing
        // and its output is what one machine makes.
        var third = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out3.mp4"), 2, options);
        wait = await cluster.PbmAsync("job", "wait", third);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr + Logs());
        await UntilAsync(() => seed.Output.Contains($"job {second} compacted:", StringComparison.Ordinal), "job 2 compacted" + Logs());
        var retry = await cluster.PbmAsync("job", "retry", second);
        Assert.True(retry.ExitCode == 0, retry.Stdout + retry.Stderr + Logs());
        wait = await cluster.PbmAsync("job", "wait", second);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr + Logs());
        var fetch = await cluster.PbmAsync("job", "fetch", second, cluster.Scratch.File("retried.mp4"));
        Assert.True(fetch.ExitCode == 0, fetch.Stderr + Logs());
        var reference = await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), options);
        await MediaComparer.AssertEquivalentAsync(reference, cluster.Scratch.File("retried.mp4"));

        // A restart reads job 1 back from its snapshot alone, and shows it as before.
        seed.Terminate();
        Assert.Equal(0, await seed.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        seed = await cluster.StartSeedAsync(config: config);
        Assert.Equal(firstShown, JobShown.Of(await cluster.JobAsync(first)));
        Assert.Contains("3 jobs in the journal", seed.Output, StringComparison.Ordinal);
        var show = await cluster.PbmAsync("job", "show", first);
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("completed", show.Stdout, StringComparison.Ordinal);
    }

    private sealed record Rows(long JobEvents, long ChunkEvents, long DeletedRows, long Snapshots);

    /// <summary>A job's live (not deleted) events, its chunks', the rows kept marked deleted, and its snapshots.</summary>
    private static async Task<Rows> RowsAsync(TestCluster cluster, string job)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(cluster.DataDir, AkkaConfiguration.SqliteFileName)};Mode=ReadOnly");
        await db.OpenAsync();
        async Task<long> CountAsync(string sql)
        {
            await using var command = db.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$job", $"job-{job}");
            command.Parameters.AddWithValue("$chunks", $"chunk-{job}-%");
            return (long)(await command.ExecuteScalarAsync())!;
        }
        return new Rows(
            await CountAsync("SELECT COUNT(*) FROM journal WHERE persistence_id = $job AND deleted = 0"),
            await CountAsync("SELECT COUNT(*) FROM journal WHERE persistence_id LIKE $chunks AND deleted = 0"),
            await CountAsync("SELECT COUNT(*) FROM journal WHERE (persistence_id = $job OR persistence_id LIKE $chunks) AND deleted = 1"),
            await CountAsync("SELECT COUNT(*) FROM snapshot WHERE persistence_id = $job OR persistence_id LIKE $chunks"));
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(200);
        }
    }
}
