using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Xunit;

namespace Flock.Tests.Unit.Chunks;

/// <summary>A failed attempt requeues the chunk; too many failures give up and say why.</summary>
public sealed class ChunkFailureTests
{
    [Fact]
    public void Chunk_should_go_back_to_pending_after_a_failed_attempt_and_remember_the_node_and_error()
    {
        var chunk = ChunkDriver.Fresh();

        var events = chunk.AssignAndFail("node-a", "Error while decoding stream #0:0");

        Assert.Equal([new ChunkAttemptFailed("node-a", 1, "Error while decoding stream #0:0")], events);
        Assert.Equal(ChunkStates.Pending, chunk.State.Status);
        Assert.Null(chunk.State.Node);
        Assert.Equal("Error while decoding stream #0:0", chunk.State.LastError);
        Assert.Equal(["node-a"], chunk.State.FailedNodes);
    }

    [Fact]
    public void Chunk_should_fail_when_verification_of_a_result_fails_on_the_third_node()
    {
        // A bad upload counts like an ffmpeg error: it is the node's attempt that failed.
        var chunk = ChunkDriver.Fresh();
        chunk.AssignAndFail("node-a");
        chunk.AssignAndFail("node-b");
        var attempt = chunk.Assign("node-c");
        chunk.Send(new AcceptResult("node-c", attempt, "ab12", 10));

        var events = chunk.Send(new FailAttempt("node-c", attempt, "frame count 249, expected 250"));

        Assert.IsType<ChunkFailed>(events[^1]);
        Assert.Equal(ChunkStates.Failed, chunk.State.Status);
    }

    [Fact]
    public void Chunk_should_fail_with_the_error_text_after_failing_on_three_different_nodes()
    {
        var chunk = ChunkDriver.Fresh(index: 12);
        Assert.Single(chunk.AssignAndFail("node-a"));
        Assert.Single(chunk.AssignAndFail("node-b"));

        var events = chunk.AssignAndFail("node-c", "Invalid data found when processing input");

        Assert.Equal(2, events.Count);
        Assert.Equal(new ChunkAttemptFailed("node-c", 3, "Invalid data found when processing input"), events[0]);
        var failed = Assert.IsType<ChunkFailed>(events[1]);
        Assert.Contains("Invalid data found when processing input", failed.Reason);
        Assert.Contains("chunk 12", failed.Reason);
        Assert.Equal(ChunkStates.Failed, chunk.State.Status);
        Assert.True(chunk.State.IsFinal);
        Assert.Equal(failed.Reason, chunk.State.LastError);
    }

    [Fact]
    public void Chunk_should_not_fail_while_its_failures_are_on_fewer_than_three_nodes()
    {
        var chunk = ChunkDriver.Fresh();
        for (var i = 0; i < 2; i++)
        {
            Assert.Single(chunk.AssignAndFail("node-a"));
            Assert.Single(chunk.AssignAndFail("node-b"));
        }

        Assert.Equal(ChunkStates.Pending, chunk.State.Status);
        Assert.Equal(4, chunk.State.FailedNodes.Count);
    }

    [Fact]
    public void Chunk_should_fail_after_six_failed_attempts_on_one_node()
    {
        // A cluster of one node must not retry a broken chunk forever.
        var chunk = ChunkDriver.Fresh();
        for (var i = 1; i < ChunkState.MaxFailedAttempts; i++)
            Assert.Single(chunk.AssignAndFail("lonely"));
        Assert.Equal(ChunkStates.Pending, chunk.State.Status);

        var events = chunk.AssignAndFail("lonely", "out of memory");

        Assert.Contains("out of memory", Assert.IsType<ChunkFailed>(events[^1]).Reason);
        Assert.Equal(ChunkStates.Failed, chunk.State.Status);
        Assert.Equal(6, chunk.State.Attempts);
    }

    [Fact]
    public void Chunk_should_not_be_assigned_again_after_it_failed()
    {
        var chunk = ChunkDriver.Fresh();
        chunk.AssignAndFail("node-a");
        chunk.AssignAndFail("node-b");
        chunk.AssignAndFail("node-c");

        Assert.Empty(chunk.Send(new AssignChunkTo("node-d", ChunkDriver.At)));
        Assert.Empty(chunk.Send(new AcceptResult("node-c", 3, "ab12", 10)));
    }

    [Fact]
    public void Node_that_failed_a_chunk_should_leave_it_to_a_peer_that_has_not()
    {
        var chunk = ChunkDriver.Fresh();
        chunk.AssignAndFail("node-a");

        Assert.Empty(chunk.Send(new AssignChunkTo("node-a", ChunkDriver.At, ["node-b"])));
        Assert.Single(chunk.Send(new AssignChunkTo("node-b", ChunkDriver.At, ["node-a"])));
    }

    [Fact]
    public void Node_that_failed_a_chunk_should_retry_it_when_every_peer_failed_it_too_or_it_is_alone()
    {
        var alone = ChunkDriver.Fresh();
        alone.AssignAndFail("node-a");
        Assert.Single(alone.Send(new AssignChunkTo("node-a", ChunkDriver.At, [])));

        var all = ChunkDriver.Fresh();
        all.AssignAndFail("node-a");
        all.AssignAndFail("node-b");
        Assert.Single(all.Send(new AssignChunkTo("node-a", ChunkDriver.At, ["node-b"])));
    }

    [Fact]
    public void Job_reason_should_be_ffmpegs_error_line_without_the_stderr_tail()
    {
        var chunk = ChunkDriver.Fresh(index: 4);
        chunk.AssignAndFail("node-a");
        chunk.AssignAndFail("node-b");

        var events = chunk.AssignAndFail("node-c", "ffmpeg failed on chunk 4: x.mp4: No such file or directory\n[in#0] more\nlast tail line");

        var failed = Assert.IsType<ChunkFailed>(events[^1]);
        Assert.Equal("chunk 4 failed on 3 nodes, 3 attempts: ffmpeg failed on chunk 4: x.mp4: No such file or directory", failed.Reason);
    }
}
