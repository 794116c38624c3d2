using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Xunit;

namespace Flock.Tests.Unit.Chunks;

/// <summary>An idle node takes over a chunk that waits, not started, in a busy node's reserve.</summary>
public sealed class ChunkTakeOverTests
{
    [Fact]
    public void Chunk_waiting_in_a_reserve_should_be_released_there_and_assigned_to_the_idle_node()
    {
        var chunk = ChunkDriver.Fresh();
        var first = chunk.Assign("busy");

        var events = chunk.Send(new TakeOver("idle", "busy", ChunkDriver.At));

        var released = Assert.IsType<ChunkReleased>(events[0]);
        Assert.Equal(("busy", first), (released.Node, released.Attempt));
        var assigned = Assert.IsType<ChunkAssigned>(events[1]);
        Assert.Equal(("idle", first + 1), (assigned.Node, assigned.Attempt));
        Assert.Equal(ChunkStates.Assigned, chunk.State.Status);
        Assert.Equal("idle", chunk.State.Node);
        Assert.Equal(["idle"], chunk.State.LiveRuns.Select(r => r.Node));
        Assert.False(chunk.State.IsHeldBy("busy"));
    }

    [Fact]
    public void Chunk_already_encoding_should_not_be_taken_over()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("busy");
        chunk.Send(new StartEncoding("busy", attempt));

        Assert.Empty(chunk.Send(new TakeOver("idle", "busy", ChunkDriver.At)));
        Assert.Equal("busy", chunk.State.Node);
    }

    [Fact]
    public void Chunk_should_not_be_taken_over_from_a_node_that_does_not_hold_it_or_by_one_that_failed_it()
    {
        var chunk = ChunkDriver.Fresh();
        chunk.AssignAndFail("idle");
        chunk.Assign("busy");

        Assert.Empty(chunk.Send(new TakeOver("idle", "busy", ChunkDriver.At)));
        Assert.Empty(chunk.Send(new TakeOver("other", "someone-else", ChunkDriver.At)));
        Assert.Empty(chunk.Send(new TakeOver("busy", "busy", ChunkDriver.At)));
        Assert.Equal("busy", chunk.State.Node);
    }

    [Fact]
    public void Result_of_the_taken_over_attempt_should_still_count_once_if_it_comes()
    {
        // The holder may have started the chunk just before the cancel reached it: its result is good work.
        var chunk = ChunkDriver.Fresh();
        var first = chunk.Assign("busy");
        chunk.Send(new TakeOver("idle", "busy", ChunkDriver.At));

        Assert.Single(chunk.Send(new AcceptResult("busy", first, "sha", 10)));
        Assert.Single(chunk.Send(new MarkVerified("busy", first, "sha", 25)));

        Assert.Equal(ChunkStates.Done, chunk.State.Status);
        Assert.Equal(["idle"], chunk.State.Losers.Select(r => r.Node));
    }
}
