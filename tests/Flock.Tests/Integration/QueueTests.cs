using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>Several jobs share the cluster first in, first out, except that a higher priority goes first.</summary>
public sealed class QueueTests
{
    [Fact]
    public async Task Jobs_should_finish_by_priority_then_in_submission_order()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var source = await TestClips.ConstantFrameRateMp4();
        // No node yet: all three wait in the queue, so the order they run in is the queue's alone.
        var first = await cluster.SubmitDetachedAsync(source, "first.mp4", 2, [.. ReferenceEncode.DefaultVideoOptions]);
        var second = await cluster.SubmitDetachedAsync(source, "second.mp4", 2, [.. ReferenceEncode.DefaultVideoOptions]);
        var urgent = await cluster.PbmAsync(["job", "submit", source, "urgent.mp4", "--chunk-seconds", "2", "--priority", "5", "--detach", "--", .. ReferenceEncode.DefaultVideoOptions]);
        Assert.True(urgent.ExitCode == 0, urgent.Stderr);
        var urgentId = urgent.Stdout.Trim();
        await cluster.WaitForJobAsync(second, j => j.GetProperty("state").GetString() == "encoding", TimeSpan.FromMinutes(1), "planned jobs");

        await cluster.StartNodeAsync("node-a");
        foreach (var id in new[] { first, second, urgentId })
        {
            var wait = await cluster.PbmAsync("job", "wait", id);
            Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr);
        }
        var finished = new List<DateTimeOffset>();
        foreach (var id in new[] { urgentId, first, second })
            finished.Add((await cluster.JobAsync(id)).GetProperty("finishedAt").GetDateTimeOffset());
        Assert.True(finished[0] < finished[1] && finished[1] < finished[2],
            $"expected urgent < first < second, got {string.Join(", ", finished.Select(f => f.ToString("HH:mm:ss.fff")))}");
    }
}

