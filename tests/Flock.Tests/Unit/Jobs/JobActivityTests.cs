using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>What of a chunk's new report becomes a line of the dashboard's event feed.</summary>
public sealed class JobActivityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static ChunkState After(ChunkState state, params ChunkEvent[] events) => events.Aggregate(state, (s, e) => s.Apply(e));

    private static ChunkState Assigned(string node) => After(ChunkState.Initial(3), new ChunkAssigned(node, 1, T0));

    [Fact]
    public void A_failed_attempt_and_the_retry_after_it_should_each_be_reported_once()
    {
        var running = Assigned("box1");
        var failed = After(running, new ChunkAttemptFailed("box1", 1, "x264 exploded\nmore stderr") { RecordedAt = T0.AddSeconds(5) });
        var retried = After(failed, new ChunkAssigned("box2", 2, T0.AddSeconds(6)));

        var onFail = JobActivity.Between("7", running, failed, T0.AddSeconds(9));
        var onRetry = JobActivity.Between("7", failed, retried, T0.AddSeconds(9));

        var fail = Assert.Single(onFail);
        Assert.Equal((JobEventKinds.ChunkFailed, "7", 3, "box1", T0.AddSeconds(5)), (fail.Kind, fail.JobId, fail.Chunk, fail.Node, fail.At));
        Assert.Equal("chunk 3 attempt 1 failed on box1: x264 exploded", fail.Detail);
        var retry = Assert.Single(onRetry);
        Assert.Equal((JobEventKinds.ChunkRetried, "box2", T0.AddSeconds(6)), (retry.Kind, retry.Node, retry.At));
        Assert.Equal("chunk 3 retried on box2 (attempt 2, after failed on box1)", retry.Detail);
        Assert.Empty(JobActivity.Between("7", retried, retried, T0.AddSeconds(9)));
    }

    [Fact]
    public void An_attempt_taken_back_from_a_lost_node_should_be_reported()
    {
        var running = Assigned("box1");
        var released = After(running, new ChunkReleased("box1", 1, "node box1 unreachable: no heartbeat for 10.0s"));

        var activity = Assert.Single(JobActivity.Between("7", running, released, T0));

        Assert.Equal(JobEventKinds.ChunkReleased, activity.Kind);
        Assert.Equal("chunk 3 attempt 1 taken back from box1: node box1 unreachable: no heartbeat for 10.0s", activity.Detail);
    }

    [Fact]
    public void A_second_attempt_run_beside_a_healthy_one_should_be_no_retry()
    {
        var running = Assigned("box1");
        var speculative = After(running, new ChunkAssigned("box2", 2, T0.AddSeconds(20)));

        Assert.Empty(JobActivity.Between("7", running, speculative, T0.AddSeconds(20)));
    }

    [Fact]
    public void A_chunk_first_heard_of_should_report_only_what_its_history_shows_went_wrong()
    {
        var failedThenDone = After(Assigned("box1"), new ChunkAttemptFailed("box1", 1, "boom"), new ChunkAssigned("box2", 2, T0.AddSeconds(1)));

        var kinds = JobActivity.Between("7", null, failedThenDone, T0.AddSeconds(2)).Select(a => a.Kind);

        Assert.Equal([JobEventKinds.ChunkFailed, JobEventKinds.ChunkRetried], kinds);
    }
}
