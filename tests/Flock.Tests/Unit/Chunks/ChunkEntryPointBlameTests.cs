using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Xunit;

namespace Flock.Tests.Unit.Chunks;

/// <summary>An attempt that failed because of the keyframe it was told to start at is not the node's failure.</summary>
public sealed class ChunkEntryPointBlameTests
{
    [Fact]
    public void A_failure_blamed_on_the_entry_point_should_requeue_the_chunk_without_counting_against_the_node()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");

        var events = chunk.Send(new FailAttempt("node-a", attempt, "frame 0 differs", BlamedEntry: 25600));

        Assert.Equal([new ChunkAttemptFailed("node-a", attempt, "frame 0 differs", EntryBlamed: true)], events);
        Assert.Equal(ChunkStates.Pending, chunk.State.Status);
        Assert.Empty(chunk.State.FailedNodes);
        Assert.False(chunk.State.BetterLeftTo("node-a", ["node-b"]));
    }

    [Fact]
    public void Many_blamed_entry_points_should_never_give_the_chunk_up()
    {
        // Each blame moves the next attempt to an earlier keyframe; the file start is never blamed, so this ends there.
        var chunk = ChunkDriver.Fresh();
        for (var i = 0; i < ChunkState.MaxFailedAttempts * 2; i++)
        {
            var attempt = chunk.Assign("node-a");
            chunk.Send(new FailAttempt("node-a", attempt, "decode error", SourceDecode: true, BlamedEntry: 1000 - i));
        }

        Assert.Equal(ChunkStates.Pending, chunk.State.Status);
    }

    [Fact]
    public void A_source_decode_error_from_the_file_start_should_count_like_any_failure()
    {
        var chunk = ChunkDriver.Fresh();
        for (var i = 0; i < ChunkState.MaxFailedAttempts - 1; i++)
        {
            var attempt = chunk.Assign(i % 2 == 0 ? "node-a" : "node-b");
            chunk.Send(new FailAttempt(i % 2 == 0 ? "node-a" : "node-b", attempt, "source decode error", SourceDecode: true));
        }
        var last = chunk.Assign("node-b");

        var events = chunk.Send(new FailAttempt("node-b", last, "source decode error: corrupt decoded frame in stream 0", SourceDecode: true));

        Assert.IsType<ChunkFailed>(events[^1]);
        Assert.Contains("corrupt decoded frame", chunk.State.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_event_journalled_before_entry_points_were_blamed_should_still_count_against_its_node()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");

        chunk.Send(new FailAttempt("node-a", attempt, "ffmpeg failed"));

        Assert.Equal(["node-a"], chunk.State.FailedNodes);
    }
}
