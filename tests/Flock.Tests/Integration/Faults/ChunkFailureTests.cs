using System.Diagnostics;
using System.Text.Json;
using Flock.Messages.Jobs;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>A chunk that no node can encode fails its job with ffmpeg's own words, and nothing waits forever.</summary>
public sealed class ChunkFailureTests
{
    [Fact]
    public async Task Chunk_failing_on_three_nodes_should_fail_the_job_with_ffmpegs_error()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        // Only the last chunk (the one trimmed without an end) is broken: ffmpeg is pointed at an input that is not there.
        // The trim opens the filter graph that also splits the frames off to the frame hashes ("[0:0]trim=...,split=2...").
        var broken = await cluster.ScriptAsync("ffmpeg-breaks-last-chunk",
            "for a in \"$@\"; do case \"$a\" in *trim=start_pts=*:end_pts=*) ;; *trim=start_pts=*) exec ffmpeg -nostdin -v error -i /nonexistent/flock-missing-chunk.mp4 -f null - ;; esac; done\n" +
            "exec ffmpeg \"$@\"\n");
        var env = new Dictionary<string, string> { ["FLOCK_FFMPEG"] = broken };
        foreach (var name in new[] { "node-a", "node-b", "node-c" }) await cluster.StartNodeAsync(name, env: env);

        var source = await TestClips.ConstantFrameRateMp4();
        var clock = Stopwatch.StartNew();
        var id = await cluster.SubmitDetachedAsync(source, "out.mp4", 1, [.. ReferenceEncode.DefaultVideoOptions]);
        // The broken chunk is the last: timed from its first failure (seen as a second attempt) to the job failing, not
        // the encoding of every chunk before it.
        await cluster.WaitForJobAsync(id, j => JobStates.IsFinal(j.GetProperty("state").GetString()!)
            || j.GetProperty("chunks").EnumerateArray().LastOrDefault() is { ValueKind: JsonValueKind.Object } last && last.GetProperty("attempts").GetInt32() >= 2, TimeSpan.FromMinutes(2), "the last chunk failed once");
        var firstFailure = clock.Elapsed;
        var wait = await cluster.PbmAsync("job", "wait", id);
        clock.Stop();

        Assert.Equal(1, wait.ExitCode);
        var job = await cluster.JobAsync(id);
        Assert.Equal("failed", job.GetProperty("state").GetString());
        var error = job.GetProperty("error").GetString()!;
        Assert.Contains("failed on 3 nodes, 3 attempts", error, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/flock-missing-chunk.mp4: No such file or directory", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        var chunks = job.GetProperty("chunks").EnumerateArray().ToList();
        Assert.Equal("failed", chunks[^1].GetProperty("state").GetString());
        // Only the broken chunk gave up; the others were verified or were still in flight when the job failed fast.
        Assert.All(chunks.SkipLast(1), c => Assert.NotEqual("failed", c.GetProperty("state").GetString()));
        ReliabilityLog.Record("one chunk's encode fails on every node (ffmpeg error)",
            "node reports report-chunk-failed with ffmpeg's last error line; the chunk gives up after 3 distinct nodes (timed from its first failure)",
            clock.Elapsed - firstFailure, "nothing (the job fails with ffmpeg's error; the other chunks stay verified)",
            nameof(Chunk_failing_on_three_nodes_should_fail_the_job_with_ffmpegs_error));
    }
}
