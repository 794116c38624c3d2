using Flock.Media.Planning;
using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Planning;

/// <summary>A plan of the whole file that must begin with the chunks already planned from its first seconds.</summary>
public sealed class ChunkPlannerFixedCutTests
{
    [Fact]
    public void Planner_should_begin_with_the_fixed_cuts_and_plan_the_rest_after_them()
    {
        var timeline = Timelines.ConstantRate(frames: 2500, keyframeEvery: 50);
        var sizing = new ChunkSizing(10, TailChunks: 3, MinimumChunkSeconds: 2);
        var head = new FrameTimeline(timeline.TimeBase, timeline.Pts[..600], timeline.KeyframePts.Where(k => k < timeline.Pts[600]).ToArray());
        var first = ChunkPlanner.Plan(head, 0, 0, sizing with { TailChunks = 0 }).Chunks[0];

        var plan = ChunkPlanner.Plan(timeline, 0, 0, sizing, [first.EndPts!.Value]);

        Timelines.AssertPartitions(timeline, plan);
        Assert.Equal(first, plan.Chunks[0]);
        Assert.Equal(ChunkPlanner.Plan(timeline, 0, 0, sizing).Chunks, plan.Chunks); // here the head cut is the one a whole plan picks
    }

    [Fact]
    public void Planner_should_keep_an_odd_fixed_cut_exactly_and_still_partition()
    {
        // A fixed cut off any keyframe and off the 10 s rhythm is kept as given.
        var timeline = Timelines.ConstantRate(frames: 2500, keyframeEvery: 50);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(10, TailChunks: 4), [137 * Timelines.FrameTicks]);

        Timelines.AssertPartitions(timeline, plan);
        Assert.Equal(137, plan.Chunks[0].FrameCount);
    }

    [Fact]
    public void Planner_should_refuse_a_fixed_cut_that_is_not_a_frame()
    {
        var timeline = Timelines.ConstantRate(frames: 500, keyframeEvery: 50);

        Assert.Throws<ArgumentException>(() => ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(10), [137 * Timelines.FrameTicks + 1]));
    }
}
