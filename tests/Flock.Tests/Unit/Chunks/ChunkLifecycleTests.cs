using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Xunit;

namespace Flock.Tests.Unit.Chunks;

/// <summary>The happy path of one chunk: pending, assigned, encoding, verifying, done.</summary>
public sealed class ChunkLifecycleTests
{
    [Fact]
    public void Chunk_should_start_pending_with_no_attempts()
    {
        var state = ChunkState.Initial(4);

        Assert.Equal(4, state.Index);
        Assert.Equal(ChunkStates.Pending, state.Status);
        Assert.Equal(0, state.Attempts);
        Assert.Null(state.Node);
        Assert.Empty(state.FailedNodes);
        Assert.False(state.IsFinal);
    }

    [Fact]
    public void Chunk_should_go_from_pending_to_done_through_each_stage()
    {
        var chunk = ChunkDriver.Fresh();

        Assert.Equal([new ChunkAssigned("node-a", 1, ChunkDriver.At)], chunk.Send(new AssignChunkTo("node-a", ChunkDriver.At)));
        Assert.Equal(ChunkStates.Assigned, chunk.State.Status);
        Assert.Equal("node-a", chunk.State.Node);
        Assert.True(chunk.State.IsHeldBy("node-a"));

        Assert.Equal([new ChunkEncodingStarted("node-a", 1)], chunk.Send(new StartEncoding("node-a", 1)));
        Assert.Equal(ChunkStates.Encoding, chunk.State.Status);
        Assert.True(chunk.State.IsHeldBy("node-a"));

        Assert.Equal([new ChunkResultReceived("node-a", 1, "ab12", 4096)], chunk.Send(new AcceptResult("node-a", 1, "ab12", 4096)));
        Assert.Equal(ChunkStates.Verifying, chunk.State.Status);

        Assert.Equal([new ChunkVerified("node-a", 1, "ab12", 250)], chunk.Send(new MarkVerified("node-a", 1, "ab12", 250)));
        Assert.Equal(ChunkStates.Done, chunk.State.Status);
        Assert.True(chunk.State.IsFinal);
        Assert.Equal(1, chunk.State.Attempts);
        Assert.Equal("ab12", chunk.State.Sha256);
        Assert.Equal(250, chunk.State.Frames);
        Assert.Equal("node-a", chunk.State.Node);
    }

    [Fact]
    public void Chunk_should_accept_a_result_straight_after_assignment()
    {
        // A chunk encodes faster than its "started" message can overtake the upload on another connection.
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");

        Assert.Single(chunk.Send(new AcceptResult("node-a", attempt, "ab12", 10)));
        Assert.Equal(ChunkStates.Verifying, chunk.State.Status);
    }

    [Fact]
    public void Chunk_should_number_attempts_one_after_another()
    {
        var chunk = ChunkDriver.Fresh();
        chunk.AssignAndFail("node-a");

        Assert.Equal(2, chunk.Assign("node-b"));
        Assert.Equal(2, chunk.State.Attempts);
        Assert.Equal(2, chunk.State.CurrentAttempt);
    }
}
