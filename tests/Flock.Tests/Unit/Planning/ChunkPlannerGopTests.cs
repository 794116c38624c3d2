using Flock.Media.Planning;
using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Planning;

/// <summary>
/// With a fixed GOP of N frames every cut is a multiple of N from the source's first frame: each chunk's encode starts
/// a GOP, so only then do the chunks' keyframes land where one encode of the whole file puts them.
/// </summary>
public sealed class ChunkPlannerGopTests
{
    /// <summary>The frame index each chunk after the first starts at.</summary>
    private static int[] CutIndices(FrameTimeline timeline, ChunkPlan plan) =>
        plan.Chunks.Skip(1).Select(c => Array.BinarySearch(timeline.Pts, c.StartPts)).ToArray();

    private static void AssertOnGrid(FrameTimeline timeline, ChunkPlan plan, int gop, int skip = 0)
    {
        var cuts = CutIndices(timeline, plan).Skip(skip).ToArray();
        Assert.All(cuts, c => Assert.True(c % gop == 0, $"cut at frame {c} is not a multiple of {gop} (cuts: {string.Join(' ', cuts)})"));
    }

    [Fact]
    public void Every_cut_should_be_a_multiple_of_the_gop_and_chunks_should_stay_near_the_target()
    {
        // 100 s at 25 fps, source keyframes every 50 frames (only every 600th frame is also on a 48-frame grid),
        // 10 s chunks (250 frames) and -g 48: the grid's multiples nearest 250 are 240 and 288.
        var timeline = Timelines.ConstantRate(frames: 2500, keyframeEvery: 50);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(10, FixedGop: 48));

        Timelines.AssertPartitions(timeline, plan);
        AssertOnGrid(timeline, plan, 48);
        Assert.All(plan.Chunks.SkipLast(1), c => Assert.InRange(c.FrameCount, 250 - 48, 250 + 62));
        Assert.InRange(plan.Chunks.Count, 8, 11);
    }

    [Fact]
    public void A_source_keyframe_on_the_grid_should_win_over_the_nearest_multiple()
    {
        // Keyframes at 250 (the target, off a 12-frame grid) and 264 (on it, within a quarter chunk): the cut takes 264,
        // which a node enters without decoding anything first, rather than 252.
        var timeline = Timelines.WithKeyframesAt(600, 0, 250, 264);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(10, FixedGop: 12));

        Timelines.AssertPartitions(timeline, plan);
        Assert.Equal(264, plan.Chunks[0].FrameCount);
        Assert.True(plan.Chunks[1].StartsOnKeyframe);
        AssertOnGrid(timeline, plan, 12);
    }

    [Fact]
    public void Without_a_keyframe_on_the_grid_the_cut_should_take_the_multiple_nearest_the_target()
    {
        // A single keyframe: 250 frames wanted, 12-frame grid, 252 is nearest (240 is 10 away, 252 only 2).
        var timeline = Timelines.WithKeyframesAt(600, 0);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(10, FixedGop: 12));

        Timelines.AssertPartitions(timeline, plan);
        Assert.Equal(252, plan.Chunks[0].FrameCount);
        AssertOnGrid(timeline, plan, 12);
    }

    [Fact]
    public void A_gop_longer_than_a_chunk_should_make_every_chunk_one_gop()
    {
        // 2 s chunks (50 frames) but a keyframe only every 120 frames: no chunk can be shorter than a GOP.
        var timeline = Timelines.ConstantRate(frames: 1000, keyframeEvery: 1);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(2, FixedGop: 120));

        Timelines.AssertPartitions(timeline, plan);
        AssertOnGrid(timeline, plan, 120);
        Assert.All(plan.Chunks.SkipLast(1), c => Assert.Equal(120, c.FrameCount));
    }

    [Fact]
    public void Tail_chunks_should_also_be_cut_on_the_grid()
    {
        // 120 s with a keyframe on every frame, 10 s chunks, a 4-chunk tail down to 1 s, -g 12: the tail still
        // shortens the last chunks, each a whole number of GOPs.
        var timeline = Timelines.ConstantRate(frames: 3000, keyframeEvery: 1);
        var sizing = new ChunkSizing(10, TailChunks: 4, MinimumChunkSeconds: 1, FixedGop: 12);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, sizing);

        Timelines.AssertPartitions(timeline, plan);
        AssertOnGrid(timeline, plan, 12);
        var plain = ChunkPlanner.Plan(timeline, 0, 0, sizing with { TailChunks = 0 });
        Assert.True(plan.Chunks.Count > plain.Chunks.Count, "the tail made no shorter chunks");
        Assert.True(plan.Chunks.SkipLast(1).Min(c => c.FrameCount) < 250 / 2, "no tail chunk is short");
    }

    [Fact]
    public void A_head_planned_with_the_gop_should_be_kept_and_the_rest_planned_on_the_grid()
    {
        var timeline = Timelines.ConstantRate(frames: 2500, keyframeEvery: 50);
        var sizing = new ChunkSizing(10, TailChunks: 3, MinimumChunkSeconds: 2, FixedGop: 48);
        var head = new FrameTimeline(timeline.TimeBase, timeline.Pts[..900], timeline.KeyframePts.Where(k => k < timeline.Pts[900]).ToArray());
        var first = ChunkPlanner.Plan(head, 0, 0, sizing with { TailChunks = 0 }).Chunks.Take(2).ToArray();

        var plan = ChunkPlanner.Plan(timeline, 0, 0, sizing, first.Select(c => c.EndPts!.Value).ToArray());

        Timelines.AssertPartitions(timeline, plan);
        Assert.Equal(first, plan.Chunks.Take(2));
        AssertOnGrid(timeline, plan, 48);
    }

    [Fact]
    public void Cuts_after_a_fixed_cut_off_the_grid_should_return_to_the_grid()
    {
        // A head handed out before the GOP was known (a seed upgraded mid-job) keeps its cut; the grid resumes after it.
        var timeline = Timelines.ConstantRate(frames: 2500, keyframeEvery: 50);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(10, TailChunks: 4, FixedGop: 48), [137 * Timelines.FrameTicks]);

        Timelines.AssertPartitions(timeline, plan);
        Assert.Equal(137, plan.Chunks[0].FrameCount);
        AssertOnGrid(timeline, plan, 48, skip: 1);
    }

    [Fact]
    public void Any_timeline_sizing_and_gop_should_give_a_partition_with_every_cut_on_the_grid()
    {
        var random = new Random(20261203);
        for (var run = 0; run < 300; run++)
        {
            var timeline = Timelines.Variable(random, random.Next(1, 1500), keyframeChance: random.NextDouble() * 0.2);
            var gop = random.Next(1, 300);
            var sizing = new ChunkSizing(0.5 + random.NextDouble() * 10, random.Next(0, 8), 0.2 + random.NextDouble() * 2, random.Next(2) == 0, gop);

            var plan = ChunkPlanner.Plan(timeline, 0, 0, sizing);

            Timelines.AssertPartitions(timeline, plan);
            AssertOnGrid(timeline, plan, gop);
            Assert.All(plan.Chunks.SkipLast(1), c => Assert.True(c.FrameCount >= gop, $"run {run}: chunk {c.Index} is shorter than one GOP of {gop}"));
        }
    }

    [Fact]
    public void A_gop_below_one_frame_should_be_refused()
    {
        var timeline = Timelines.ConstantRate(frames: 100, keyframeEvery: 25);

        Assert.Throws<ArgumentOutOfRangeException>(() => ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(1, FixedGop: 0)));
    }
}
