using System.Text.Json;
using Flock.Messages.Jobs;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// A job's history outlives the seed process: a settled job keeps its chunk grid, frames, nodes and every attempt
/// (failed ones too) across a seed restart, and a cancelled job's chunks read cancelled, not still running.
/// </summary>
public sealed class JobHistoryTests
{
    private const string MissingInput = "/nonexistent/flock-first-attempt.mp4";

    private static IEnumerable<JsonElement> Chunks(JsonElement job) => job.GetProperty("chunks").EnumerateArray();

    private static IEnumerable<JsonElement> History(JsonElement chunk) =>
        chunk.TryGetProperty("history", out var h) && h.ValueKind == JsonValueKind.Array ? h.EnumerateArray() : [];

    [Fact]
    public async Task Completed_job_should_keep_its_chunks_and_every_attempt_with_the_failure_across_a_seed_restart()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        // The node's first chunk encode fails the way a broken ffmpeg does (an input it cannot open); later ones run.
        var marker = cluster.Scratch.File("failed-once");
        var failOnce = await cluster.ScriptAsync("ffmpeg-fails-first-chunk",
            $"for a in \"$@\"; do if [ \"$a\" = -copyts ] && mkdir '{marker}' 2>/dev/null; then exec ffmpeg -nostdin -v error -i {MissingInput} -f null -; fi; done\n" +
            "exec ffmpeg \"$@\"\n");
        var node = await cluster.StartNodeAsync("box1", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = failOnce });
        var source = await TestClips.ConstantFrameRateMp4();
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 2, [.. ReferenceEncode.DefaultVideoOptions]);

        var wait = await cluster.PbmAsync("job", "wait", id);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr + "\nseed:\n" + seed.Output + "\nnode:\n" + node.Output);
        var before = await cluster.JobAsync(id);

        Assert.True(Chunks(before).Count() > 1, before.ToString());
        Assert.Equal(before.GetProperty("totalFrames").GetInt32(), before.GetProperty("encodedFrames").GetInt32());
        var retried = Assert.Single(Chunks(before), c => c.GetProperty("attempts").GetInt32() == 2);
        Assert.Equal("done", retried.GetProperty("state").GetString());
        var attempts = History(retried).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal([AttemptOutcomes.Failed, AttemptOutcomes.Done], attempts.Select(a => a.GetProperty("outcome").GetString()));
        Assert.All(attempts, a => Assert.Equal("box1", a.GetProperty("node").GetString()));
        Assert.All(attempts, a => Assert.True(a.GetProperty("ended").GetDateTimeOffset() >= a.GetProperty("started").GetDateTimeOffset(), a.ToString()));
        var error = attempts[0].GetProperty("error").GetString()!;
        Assert.Contains($"{MissingInput}: No such file or directory", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.True(attempts[1].GetProperty("bytes").GetInt64() > 0, attempts[1].ToString());
        Assert.All(Chunks(before).Where(c => c.GetProperty("attempts").GetInt32() == 1),
            c => Assert.Equal(AttemptOutcomes.Done, Assert.Single(History(c)).GetProperty("outcome").GetString()));
        // The node says it once: the message quotes ffmpeg's last error line, the stderr tail after it does not repeat it.
        Assert.Equal(1, node.Output.Split(MissingInput).Length - 1);

        seed.Terminate();
        Assert.Equal(0, await seed.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        var restarted = await cluster.StartSeedAsync();

        var after = await cluster.JobAsync(id);
        Assert.Equal("completed", after.GetProperty("state").GetString());
        // Loaded for its history, not resumed: the restarted seed does not say it resumes a completed job.
        Assert.Contains("1 job in the journal", restarted.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("resuming job", restarted.Output, StringComparison.Ordinal);
        Assert.Equal(JobShown.Of(before), JobShown.Of(after));
        var show = await cluster.PbmAsync("job", "show", id);
        Assert.True(show.ExitCode == 0, show.Stderr);
        var chunks = Chunks(after).Count();
        var frames = after.GetProperty("totalFrames").GetInt32();
        Assert.Contains($"progress: 100.0% ({frames}/{frames} frames, {chunks}/{chunks} chunks)", show.Stdout, StringComparison.Ordinal);
        var index = retried.GetProperty("index").GetInt32();
        Assert.Matches($@"(?m)^{index} \| 1 \| box1 \| failed \| \S+ \| \S+ \| - \| ffmpeg failed on chunk {index}: {MissingInput}: No such file or directory$", show.Stdout);
        Assert.Matches($@"(?m)^{index} \| 2 \| box1 \| done \| \S+ \| \S+ \| \d+ \| -$", show.Stdout);
    }

    [Fact]
    public async Task Cancelled_job_should_leave_no_chunk_encoding_or_assigned_even_after_a_seed_restart()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        // Real-time encodes: the cancel lands while chunks are out on the node.
        await cluster.StartNodeAsync("box1", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await cluster.PacedFfmpegAsync() });
        var source = await TestClips.ConstantFrameRateMp4();
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 2, [.. ReferenceEncode.DefaultVideoOptions]);
        var running = await cluster.WaitForJobAsync(id, j => Chunks(j).Any(c => c.GetProperty("state").GetString() == "encoding"), TimeSpan.FromMinutes(2), "a chunk encoding");
        var encodingIndex = Chunks(running).First(c => c.GetProperty("state").GetString() == "encoding").GetProperty("index").GetInt32();

        var cancel = await cluster.PbmAsync("job", "cancel", id);
        Assert.True(cancel.ExitCode == 0, cancel.Stderr);

        var cancelled = await cluster.JobAsync(id);
        AssertNothingLeftRunning(cancelled, encodingIndex);
        seed.Terminate();
        Assert.Equal(0, await seed.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        await cluster.StartSeedAsync();
        var after = await cluster.JobAsync(id);
        AssertNothingLeftRunning(after, encodingIndex);
        Assert.Equal(JobShown.Of(cancelled), JobShown.Of(after));
    }

    [Fact]
    public async Task Job_settled_before_chunk_summaries_existed_should_get_its_chunks_back_and_journal_a_summary_once()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("box1");
        var source = await TestClips.ConstantFrameRateMp4();
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 2, [.. ReferenceEncode.DefaultVideoOptions]);
        Assert.Equal(0, (await cluster.PbmAsync("job", "wait", id)).ExitCode);
        var settled = await cluster.JobAsync(id);
        await StopAsync(seed);
        // What an older seed left: the job's journal without the summary.
        Assert.Equal(1, await ExecuteAsync(cluster, $"DELETE FROM journal WHERE persistence_id = 'job-{id}' AND manifest = 'job-chunks-settled'"));

        seed = await cluster.StartSeedAsync();
        await seed.WaitForOutputAsync($"job {id}: chunk summary of the completed job journalled", TimeSpan.FromSeconds(30));
        Assert.Equal(JobShown.Of(settled), JobShown.Of(await cluster.JobAsync(id)));
        await StopAsync(seed);
        Assert.Equal(1, await ExecuteAsync(cluster, $"SELECT COUNT(*) FROM journal WHERE persistence_id = 'job-{id}' AND manifest = 'job-chunks-settled'"));

        seed = await cluster.StartSeedAsync();
        Assert.Equal(JobShown.Of(settled), JobShown.Of(await cluster.JobAsync(id)));
        await StopAsync(seed);
        Assert.DoesNotContain("chunk summary of the", seed.Output, StringComparison.Ordinal);
    }

    private static async Task StopAsync(FlockProcess seed)
    {
        seed.Terminate();
        Assert.Equal(0, await seed.WaitForExitAsync(TimeSpan.FromMinutes(1)));
    }

    /// <summary>Runs SQL on the stopped seed's SQLite journal: the rows changed, or a count.</summary>
    private static async Task<long> ExecuteAsync(TestCluster cluster, string sql)
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(cluster.DataDir, Flock.Seed.Hosting.AkkaConfiguration.SqliteFileName)}");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return sql.StartsWith("SELECT", StringComparison.Ordinal) ? Convert.ToInt64(await command.ExecuteScalarAsync()) : await command.ExecuteNonQueryAsync();
    }

    private static void AssertNothingLeftRunning(JsonElement job, int wasEncoding)
    {
        Assert.Equal("cancelled", job.GetProperty("state").GetString());
        var states = Chunks(job).Select(c => c.GetProperty("state").GetString()).ToList();
        Assert.True(states.All(s => s is "done" or "cancelled"), job.ToString());
        var chunk = Chunks(job).Single(c => c.GetProperty("index").GetInt32() == wasEncoding);
        Assert.Equal("cancelled", chunk.GetProperty("state").GetString());
        var last = History(chunk).Last();
        Assert.Equal(AttemptOutcomes.Cancelled, last.GetProperty("outcome").GetString());
        Assert.Equal("job cancelled", last.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.String, last.GetProperty("ended").ValueKind);
        Assert.All(Chunks(job).SelectMany(History), a => Assert.True(AttemptOutcomes.IsEnded(a.GetProperty("outcome").GetString()!), a.ToString()));
    }
}
