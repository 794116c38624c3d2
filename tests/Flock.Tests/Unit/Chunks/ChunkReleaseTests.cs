using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Xunit;

namespace Flock.Tests.Unit.Chunks;

/// <summary>A node that leaves hands its chunk back without blame, and work it still finishes is not wasted.</summary>
public sealed class ChunkReleaseTests
{
    [Fact]
    public void Chunk_should_return_to_pending_when_released_by_the_node_holding_it()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");
        chunk.Send(new StartEncoding("node-a", attempt));

        Assert.Equal([new ChunkReleased("node-a", attempt, "unreachable")], chunk.Send(new ReleaseFromNode("node-a", "unreachable")));
        Assert.Equal(ChunkStates.Pending, chunk.State.Status);
        Assert.Null(chunk.State.Node);
        // A release is not the chunk's fault: it counts towards no failure limit.
        Assert.Empty(chunk.State.FailedNodes);
    }

    [Fact]
    public void Chunk_should_ignore_a_release_from_a_node_that_does_not_hold_it()
    {
        var chunk = ChunkDriver.Fresh();
        chunk.Assign("node-a");

        Assert.Empty(chunk.Send(new ReleaseFromNode("node-b", "left")));
        Assert.Equal("node-a", chunk.State.Node);
    }

    [Fact]
    public void Chunk_should_ignore_a_release_once_the_result_is_in_hand()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");
        chunk.Send(new AcceptResult("node-a", attempt, "ab12", 10));

        Assert.Empty(chunk.Send(new ReleaseFromNode("node-a", "left")));
        Assert.Equal(ChunkStates.Verifying, chunk.State.Status);
    }

    [Fact]
    public void Chunk_should_accept_a_late_result_from_a_released_attempt_once()
    {
        // node-a was marked unreachable mid-encode and the chunk went to node-b, then node-a came back with its result.
        var chunk = ChunkDriver.Fresh();
        var first = chunk.Assign("node-a");
        chunk.Send(new StartEncoding("node-a", first));
        chunk.Send(new ReleaseFromNode("node-a", "unreachable"));
        var second = chunk.Assign("node-b");

        Assert.Equal([new ChunkResultReceived("node-a", first, "ab12", 10)], chunk.Send(new AcceptResult("node-a", first, "ab12", 10)));
        Assert.Equal(ChunkStates.Verifying, chunk.State.Status);
        Assert.Equal(first, chunk.State.CurrentAttempt);
        Assert.Equal("node-a", chunk.State.Node);

        Assert.Empty(chunk.Send(new AcceptResult("node-a", first, "ab12", 10)));

        Assert.Single(chunk.Send(new MarkVerified("node-a", first, "ab12", 250)));
        Assert.Equal(ChunkStates.Done, chunk.State.Status);
        Assert.Empty(chunk.Send(new AcceptResult("node-b", second, "cd34", 10)));
    }

    [Fact]
    public void Chunk_should_accept_a_late_result_while_the_released_chunk_waits_in_the_queue()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");
        chunk.Send(new ReleaseFromNode("node-a", "unreachable"));

        Assert.Single(chunk.Send(new AcceptResult("node-a", attempt, "ab12", 10)));
        Assert.Equal(ChunkStates.Verifying, chunk.State.Status);
    }
}
