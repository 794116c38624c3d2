using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Xunit;

namespace Flock.Tests.Unit.Chunks;

/// <summary>`pbm job retry`: unfinished chunks go back to the queue with a clean record; verified ones stay verified.</summary>
public sealed class ChunkRetryTests
{
    [Fact]
    public void Failed_chunk_should_be_pending_again_with_its_failures_forgotten()
    {
        var chunk = ChunkDriver.Fresh();
        chunk.AssignAndFail("node-a");
        chunk.AssignAndFail("node-b");
        chunk.AssignAndFail("node-c");
        Assert.Equal(ChunkStates.Failed, chunk.State.Status);

        Assert.Equal([new ChunkRetried(ChunkDriver.At)], chunk.Send(new RetryChunk(ChunkDriver.At)));

        Assert.Equal(ChunkStates.Pending, chunk.State.Status);
        Assert.Empty(chunk.State.FailedNodes);
        Assert.Null(chunk.State.LastError);
        Assert.Equal(4, chunk.Assign("node-a"));
    }

    [Fact]
    public void Chunk_still_held_by_a_node_when_its_job_was_cancelled_should_be_pending_again()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");
        chunk.Send(new StartEncoding("node-a", attempt));

        Assert.Single(chunk.Send(new RetryChunk(ChunkDriver.At)));

        Assert.Equal(ChunkStates.Pending, chunk.State.Status);
        Assert.Null(chunk.State.Node);
    }

    [Fact]
    public void Verified_chunk_should_not_change_on_retry()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");
        chunk.Send(new AcceptResult("node-a", attempt, "ab12", 10));
        chunk.Send(new MarkVerified("node-a", attempt, "ab12", 75));
        var before = chunk.State;

        Assert.Empty(chunk.Send(new RetryChunk(ChunkDriver.At)));
        Assert.Same(before, chunk.State);
    }

    [Fact]
    public void Fresh_pending_chunk_should_not_journal_a_retry()
    {
        Assert.Empty(ChunkDriver.Fresh().Send(new RetryChunk(ChunkDriver.At)));
    }
}
