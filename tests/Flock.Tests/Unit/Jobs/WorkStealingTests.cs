using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Flock.Seed.Jobs;
using Xunit;
using static Flock.Tests.Unit.Jobs.ChunkViews;

namespace Flock.Tests.Unit.Jobs;

/// <summary>
/// At the end of a job one node may hold a running chunk and one in reserve while another node has nothing: the idle
/// node takes over the reserved chunk when it would finish it sooner than the holder could.
/// </summary>
public sealed class WorkStealingTests
{
    private const int Frames = 300;

    private static (int, string)? Choose(string claimant, IReadOnlyDictionary<string, double> powers, params ChunkView[] chunks) =>
        WorkStealing.Choose(chunks, _ => Frames, claimant, powers);

    private static readonly Dictionary<string, double> Equal = new() { ["a"] = 2, ["b"] = 2 };

    [Fact]
    public void Idle_node_should_take_over_the_chunk_waiting_behind_a_running_one()
    {
        Assert.Equal((1, "a"), Choose("b", Equal, Running(0, "a", encoded: 100, fps: 20), Reserved(1, "a")));
    }

    [Fact]
    public void Idle_node_should_take_from_the_holder_that_would_start_it_last()
    {
        var chosen = Choose("c", new Dictionary<string, double> { ["a"] = 2, ["b"] = 2, ["c"] = 2 },
            Running(0, "a", encoded: 250, fps: 20), Reserved(1, "a"),
            Running(2, "b", encoded: 20, fps: 20), Reserved(3, "b"));

        Assert.Equal((3, "b"), chosen);
    }

    [Fact]
    public void Much_slower_idle_node_should_leave_the_chunk_where_it_is()
    {
        // The holder finishes its running chunk in 1 s and this one 15 s later; the idle node would need 150 s.
        var powers = new Dictionary<string, double> { ["a"] = 10, ["b"] = 1 };

        Assert.Null(Choose("b", powers, Running(0, "a", encoded: 280, fps: 20), Reserved(1, "a")));
        // Somewhat slower is still sooner: 20 s on the idle node against 10 s left plus 15 s on the holder.
        Assert.Equal((1, "a"), Choose("b", new Dictionary<string, double> { ["a"] = 2, ["b"] = 1.5 }, Running(0, "a", encoded: 100, fps: 20), Reserved(1, "a")));
    }

    [Fact]
    public void Chunk_alone_on_its_holder_may_be_the_one_it_is_encoding_and_should_stay()
    {
        Assert.Null(Choose("b", Equal, Reserved(0, "a")));
    }

    [Fact]
    public void Earlier_of_two_unreported_chunks_should_be_taken_as_the_running_one()
    {
        var chosen = Choose("b", Equal, Reserved(0, "a", secondsLater: 0), Reserved(1, "a", secondsLater: 1));

        Assert.Equal((1, "a"), chosen);
    }

    [Fact]
    public void Nothing_should_be_taken_from_the_claimant_itself_or_from_a_running_chunk()
    {
        Assert.Null(Choose("a", Equal, Running(0, "a", encoded: 100, fps: 20), Reserved(1, "a")));
        Assert.Null(Choose("b", Equal, Running(0, "a", encoded: 100, fps: 20)));
    }

    [Fact]
    public void Second_run_should_start_only_where_it_would_finish_before_the_first()
    {
        var fast = new Dictionary<string, double> { ["a"] = 1, ["b"] = 4 };

        // 290 of 300 frames done at 20 fps: half a second left, 15 s for a second run on an equal node.
        Assert.False(WorkStealing.SecondRunWouldFinishFirst(Running(0, "a", encoded: 290, fps: 20), Frames, "b", Equal));
        // 10 of 300 at 2 fps: 145 s left, 37.5 s on a node four times as powerful.
        Assert.True(WorkStealing.SecondRunWouldFinishFirst(Running(0, "a", encoded: 10, fps: 2), Frames, "b", fast));
        // No speed reported since it started: stalled, so a second run is the only way forward.
        Assert.True(WorkStealing.SecondRunWouldFinishFirst(Running(0, "a", encoded: 0, fps: 0), Frames, "b", Equal));
    }
}
