using Flock.Media.Planning;
using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Planning;

/// <summary>Where cuts go: on a nearby keyframe when there is one, else on the frame at the target.</summary>
public sealed class ChunkPlannerCutTests
{
    [Fact]
    public void Planner_should_cut_on_a_keyframe_near_the_target()
    {
        // Keyframes every 48 frames: the ideal 10 s cut is frame 250; keyframe 240 is 0.4 s away, 288 is 1.52 s away.
        var timeline = Timelines.ConstantRate(frames: 1200, keyframeEvery: 48);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds: 10);

        Assert.Equal(240 * Timelines.FrameTicks, plan.Chunks[1].StartPts);
        Assert.True(plan.Chunks[1].StartsOnKeyframe);
        // Each later chunk measures its target from its own start, so the cuts stay on the 240-frame rhythm.
        Assert.Equal(new long[] { 0, 240, 480, 720, 960 }, plan.Chunks.Select(c => c.StartPts / Timelines.FrameTicks));
    }

    [Fact]
    public void Planner_should_prefer_the_nearer_of_the_keyframes_around_the_target()
    {
        // Keyframes at frames 200 (2 s early) and 270 (0.8 s late): both are in the 2.5 s window, 270 is nearer.
        var timeline = Timelines.WithKeyframesAt(400, 0, 200, 270);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds: 10);

        Assert.Equal(270 * Timelines.FrameTicks, plan.Chunks[1].StartPts);
    }

    [Fact]
    public void Planner_should_cut_on_the_exact_frame_when_no_keyframe_is_within_a_quarter_of_the_target()
    {
        // Keyframe 320 is 2.8 s from the ideal cut at frame 250, just outside the 2.5 s window.
        var timeline = Timelines.WithKeyframesAt(600, 0, 320);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds: 10);

        Assert.Equal(250 * Timelines.FrameTicks, plan.Chunks[1].StartPts);
        Assert.False(plan.Chunks[1].StartsOnKeyframe);
    }

    [Fact]
    public void Planner_should_cut_on_the_first_frame_after_the_target_when_none_falls_on_it()
    {
        // Frames every 40 ms in 1/1000 with a 1.01 s target: no frame at 1010, the next one is at 1040.
        var pts = Enumerable.Range(0, 100).Select(i => i * 40L).ToArray();
        var timeline = new FrameTimeline(new TimeBase(1, 1000), pts, [0]);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds: 1.01);

        Assert.Equal(1040, plan.Chunks[1].StartPts);
    }

    [Fact]
    public void Planner_should_still_split_a_file_with_a_single_keyframe()
    {
        // 100 s at 25 fps, only the first frame is a keyframe (an all-P screen recording): ten 10 s chunks.
        var timeline = Timelines.ConstantRate(frames: 2500, keyframeEvery: int.MaxValue);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds: 10);

        Assert.Equal(10, plan.Chunks.Count);
        Assert.All(plan.Chunks, c => Assert.Equal(250, c.FrameCount));
        Assert.True(plan.Chunks[0].StartsOnKeyframe);
        Assert.All(plan.Chunks.Skip(1), c => Assert.False(c.StartsOnKeyframe));
    }

    [Fact]
    public void Planner_should_merge_a_tail_shorter_than_half_a_chunk_into_the_previous_chunk()
    {
        // 104 s: after ten 10 s chunks only ~4 s would remain, so the tenth chunk takes it (250 + 100 frames).
        var timeline = Timelines.ConstantRate(frames: 2600, keyframeEvery: 50);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds: 10);

        Assert.Equal(10, plan.Chunks.Count);
        Assert.Equal(350, plan.Chunks[^1].FrameCount);
    }

    [Fact]
    public void Planner_should_keep_a_tail_of_more_than_half_a_chunk_as_its_own_chunk()
    {
        // 105.2 s: 5.2 s remain after ten chunks, more than half of 10 s, so they form an eleventh chunk.
        var timeline = Timelines.ConstantRate(frames: 2630, keyframeEvery: 50);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds: 10);

        Assert.Equal(11, plan.Chunks.Count);
        Assert.Equal(130, plan.Chunks[^1].FrameCount);
    }

    [Fact]
    public void Planner_should_not_leave_a_tail_shorter_than_half_a_chunk_when_the_last_cut_snaps_late()
    {
        // 376 frames (15 s), 10 s chunks, keyframes at 0 and 310. The ideal cut (frame 250) leaves 5 s, enough for a
        // tail, but the cut snaps 2.4 s late to keyframe 310, leaving a 66-frame (2.6 s) last chunk.
        var timeline = Timelines.WithKeyframesAt(376, 0, 310);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds: 10);

        var last = plan.Chunks[^1];
        var tailSeconds = Timelines.Mp4.ToSeconds(last.LastPts + Timelines.FrameTicks - last.StartPts);
        Assert.True(plan.Chunks.Count == 1 || tailSeconds >= 10 * ChunkPlanner.MinimumTailFraction,
            $"last chunk lasts {tailSeconds} s");
    }

    [Fact]
    public void Planner_should_snap_every_cut_of_random_timelines_to_the_nearest_keyframe_in_the_window()
    {
        for (var seed = 0; seed < 100; seed++)
        {
            var random = new Random(seed);
            var timeline = Timelines.Variable(random, frames: random.Next(200, 1500), keyframeChance: random.NextDouble() * 0.1);
            var chunkSeconds = 0.5 + random.NextDouble() * 5;
            var target = (long)Math.Round(chunkSeconds * 1000);
            var window = target / 4;

            var plan = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds);

            for (var i = 1; i < plan.Chunks.Count; i++)
            {
                var start = plan.Chunks[i - 1].StartPts;
                var ideal = start + target;
                var cut = plan.Chunks[i].StartPts;
                var near = timeline.KeyframePts.Where(k => k > start && Math.Abs(k - ideal) <= window).ToArray();
                if (near.Length > 0)
                {
                    Assert.Contains(cut, near);
                    Assert.Equal(near.Min(k => Math.Abs(k - ideal)), Math.Abs(cut - ideal));
                }
                else
                {
                    Assert.Equal(timeline.Pts.First(p => p >= ideal), cut);
                }
            }
        }
    }
}
