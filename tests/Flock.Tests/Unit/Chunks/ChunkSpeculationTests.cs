using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Xunit;

namespace Flock.Tests.Unit.Chunks;

/// <summary>A straggling chunk is run a second time on an idle node; the first verified result wins and the other loses.</summary>
public sealed class ChunkSpeculationTests
{
    private static readonly TimeSpan MinElapsed = TimeSpan.FromSeconds(10);

    private static (ChunkDriver Chunk, int Slow, int Fast) Speculated()
    {
        var chunk = ChunkDriver.Fresh();
        var slow = chunk.Assign("slow");
        chunk.Send(new StartEncoding("slow", slow));
        var events = chunk.Send(new SpeculateOn("fast", ChunkDriver.At + MinElapsed, MinElapsed));
        var fast = Assert.IsType<ChunkAssigned>(Assert.Single(events)).Attempt;
        return (chunk, slow, fast);
    }

    [Fact]
    public void Chunk_should_run_a_second_attempt_on_another_node_once_the_first_has_run_long_enough()
    {
        var (chunk, slow, fast) = Speculated();

        Assert.Equal(2, fast);
        Assert.Equal(2, chunk.State.Attempts);
        Assert.Equal(["slow", "fast"], chunk.State.LiveRuns.Select(r => r.Node));
        Assert.Equal(ChunkStates.Encoding, chunk.State.Status);
        Assert.Equal("slow", chunk.State.Node);
        Assert.Equal(slow, chunk.State.CurrentAttempt);
    }

    [Fact]
    public void Chunk_should_not_speculate_before_the_minimum_elapsed_time()
    {
        var chunk = ChunkDriver.Fresh();
        chunk.Assign("slow");

        Assert.Empty(chunk.Send(new SpeculateOn("fast", ChunkDriver.At + MinElapsed - TimeSpan.FromSeconds(1), MinElapsed)));
    }

    [Fact]
    public void Chunk_should_not_speculate_while_pending_on_the_same_node_or_beyond_two_attempts()
    {
        var pending = ChunkDriver.Fresh();
        Assert.Empty(pending.Send(new SpeculateOn("fast", ChunkDriver.At + MinElapsed, MinElapsed)));

        var (chunk, _, _) = Speculated();
        Assert.Empty(chunk.Send(new SpeculateOn("third", ChunkDriver.At + MinElapsed * 2, MinElapsed)));

        var single = ChunkDriver.Fresh();
        single.Assign("slow");
        Assert.Empty(single.Send(new SpeculateOn("slow", ChunkDriver.At + MinElapsed, MinElapsed)));
    }

    [Fact]
    public void Chunk_should_not_speculate_on_a_node_that_already_failed_it()
    {
        var chunk = ChunkDriver.Fresh();
        chunk.AssignAndFail("fast");
        chunk.Assign("slow");

        Assert.Empty(chunk.Send(new SpeculateOn("fast", ChunkDriver.At + MinElapsed, MinElapsed)));
    }

    [Fact]
    public void First_verified_result_should_win_and_leave_the_other_attempt_as_a_loser_whose_result_is_refused()
    {
        var (chunk, slow, fast) = Speculated();
        chunk.Send(new AcceptResult("fast", fast, "ab12", 10));
        Assert.Equal(ChunkStates.Verifying, chunk.State.Status);
        Assert.Single(chunk.Send(new MarkVerified("fast", fast, "ab12", 25)));

        Assert.Equal(ChunkStates.Done, chunk.State.Status);
        Assert.Equal("fast", chunk.State.Node);
        var loser = Assert.Single(chunk.State.Losers);
        Assert.Equal(("slow", slow), (loser.Node, loser.Attempt));
        Assert.Empty(chunk.Send(new AcceptResult("slow", slow, "cd34", 10)));
        Assert.Empty(chunk.Send(new FailAttempt("slow", slow, "killed")));
    }

    [Fact]
    public void Both_results_may_be_checked_at_once_but_only_the_first_verified_counts()
    {
        var (chunk, slow, fast) = Speculated();
        chunk.Send(new AcceptResult("slow", slow, "ab12", 10));
        Assert.Single(chunk.Send(new AcceptResult("fast", fast, "cd34", 10)));

        Assert.Single(chunk.Send(new MarkVerified("fast", fast, "cd34", 25)));
        Assert.Empty(chunk.Send(new MarkVerified("slow", slow, "ab12", 25)));
        Assert.Equal("cd34", chunk.State.Sha256);
        Assert.Equal(fast, chunk.State.CurrentAttempt);
    }

    [Fact]
    public void A_failed_speculative_attempt_should_leave_the_original_running()
    {
        var (chunk, slow, fast) = Speculated();

        Assert.IsType<ChunkAttemptFailed>(Assert.Single(chunk.Send(new FailAttempt("fast", fast, "broken"))));
        Assert.Equal(ChunkStates.Encoding, chunk.State.Status);
        Assert.Equal(("slow", slow), (chunk.State.Node, chunk.State.CurrentAttempt));
    }

    [Fact]
    public void A_rejected_result_should_leave_the_other_attempt_running()
    {
        var (chunk, slow, fast) = Speculated();
        chunk.Send(new AcceptResult("fast", fast, "ab12", 10));
        chunk.Send(new FailAttempt("fast", fast, "frame count differs"));

        Assert.Equal(ChunkStates.Encoding, chunk.State.Status);
        Assert.Equal("slow", chunk.State.Node);
        Assert.True(chunk.State.IsHeldBy("slow"));
    }

    [Fact]
    public void A_released_attempt_should_be_cancelled_when_the_chunk_is_finished_elsewhere()
    {
        var chunk = ChunkDriver.Fresh();
        var first = chunk.Assign("node-a");
        chunk.Send(new ReleaseFromNode("node-a", "unreachable"));
        var second = chunk.Assign("node-b");
        chunk.Send(new AcceptResult("node-b", second, "ab12", 10));
        chunk.Send(new MarkVerified("node-b", second, "ab12", 25));

        var loser = Assert.Single(chunk.State.Losers);
        Assert.Equal(("node-a", first), (loser.Node, loser.Attempt));
        Assert.False(chunk.State.IsHeldBy("node-a"));
    }
}
