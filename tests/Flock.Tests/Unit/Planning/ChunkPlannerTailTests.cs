using Flock.Media.Planning;
using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Planning;

/// <summary>The last chunks of a job get shorter, so the node that takes the last one does not finish long after the others.</summary>
public sealed class ChunkPlannerTailTests
{
    private static double Seconds(FrameTimeline timeline, PlannedChunk c) =>
        Timelines.Mp4.ToSeconds((c.EndPts ?? timeline.Pts[^1] + Timelines.FrameTicks) - c.StartPts);

    [Fact]
    public void Planner_should_halve_the_last_chunks_down_to_the_minimum_length()
    {
        // 120 s at 25 fps with a keyframe on every frame, 10 s chunks, a 4-chunk tail with a 1 s minimum:
        // the tail aims at 5, 2.5, 1.25 and 1 s; the body before it keeps 10 s chunks.
        var timeline = Timelines.ConstantRate(frames: 3000, keyframeEvery: 1);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(10, TailChunks: 4, MinimumChunkSeconds: 1));

        Timelines.AssertPartitions(timeline, plan);
        var seconds = plan.Chunks.Select(c => Seconds(timeline, c)).ToArray();
        Assert.Equal([5, 2.5, 1.25, 1], seconds[^4..].Select(s => Math.Round(s * 4) / 4));
        Assert.All(seconds[..^5], s => Assert.Equal(10, s, 0.05));
        Assert.InRange(seconds[^5], 10, 15); // the body's last chunk runs to where the tail starts
    }

    [Fact]
    public void Planner_should_not_make_tail_chunks_when_the_minimum_is_not_shorter_than_a_chunk()
    {
        var timeline = Timelines.ConstantRate(frames: 1000, keyframeEvery: 25);

        var withTail = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(4, TailChunks: 4, MinimumChunkSeconds: 4));
        var plain = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds: 4);

        Assert.Equal(plain.Chunks, withTail.Chunks);
    }

    [Fact]
    public void Planner_should_keep_a_source_shorter_than_one_chunk_whole_even_with_a_tail()
    {
        var timeline = Timelines.ConstantRate(frames: 300, keyframeEvery: 1);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(10, TailChunks: 4, MinimumChunkSeconds: 1));

        Assert.Single(plan.Chunks);
    }

    [Fact]
    public void Planner_should_cut_tail_chunks_on_keyframes_near_their_own_shorter_targets()
    {
        // A keyframe every second: the 5 s and 2.5 s tail targets find keyframes within a quarter of their own length.
        var timeline = Timelines.ConstantRate(frames: 2500, keyframeEvery: 25);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, new ChunkSizing(20, TailChunks: 3, MinimumChunkSeconds: 2));

        Timelines.AssertPartitions(timeline, plan);
        Assert.All(plan.Chunks, c => Assert.True(c.StartsOnKeyframe, $"chunk {c.Index} starts off a keyframe"));
        var seconds = plan.Chunks.Select(c => Seconds(timeline, c)).ToArray();
        Assert.True(seconds[^3] > seconds[^2] && seconds[^2] > seconds[^1], string.Join(", ", seconds));
    }

    [Fact]
    public void Planner_should_put_the_short_tail_chunks_where_keyframes_spare_the_nodes_decoding_before_them()
    {
        // The bench source's last 32 s at 25 fps: keyframes where its encoder placed them (scene changes, long GOPs).
        // In timeline order the tail's cuts (10, 5, 2.5 and 2 s from 100.5 s) fall 4.2, 0, 2.9 and 5.7 s after the
        // keyframe before them: 316 frames decoded and dropped, the last 2 s chunk costing as much again as its own.
        var keyframes = new[] { 0, 7.47, 13.23, 16.1, 23.67, 32, 39.7, 45.53, 48.07, 56, 64.3, 71.7, 80, 88, 96.3, 104, 109.3, 112.07 }
            .Select(s => (int)Math.Round(s * 25)).ToArray();
        var timeline = Timelines.WithKeyframesAt(3000, keyframes);
        var sizing = new ChunkSizing(20, TailChunks: 4, MinimumChunkSeconds: 2);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, sizing);

        Timelines.AssertPartitions(timeline, plan);
        var decodedBefore = plan.Chunks.Sum(c => c.StartPts / Timelines.FrameTicks - keyframes.Where(k => k * Timelines.FrameTicks <= c.StartPts).Max());
        Assert.True(decodedBefore <= 2 * 25, $"{decodedBefore} frames decoded before cuts");
        // Still a tail: the shortest chunks are about the tail's own targets, and each of the two shortest starts on a keyframe.
        var shortest = plan.Chunks.OrderBy(c => c.FrameCount).Take(2).ToArray();
        Assert.All(shortest, c => Assert.True(c.StartsOnKeyframe, $"chunk {c.Index} ({c.FrameCount} frames) starts off a keyframe"));
        Assert.InRange(Seconds(timeline, shortest[0]), 1.5, 2.5);
        Assert.InRange(Seconds(timeline, shortest[1]), 2, 3.2);
        Assert.Equal(plan.Chunks.Count - 5, plan.Chunks.Count(c => Math.Abs(Seconds(timeline, c) - 20) <= 5));
    }

    [Fact]
    public void Planner_should_partition_random_timelines_with_a_tail_and_never_leave_a_sliver_at_the_end()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var timeline = Timelines.Variable(random, frames: random.Next(1, 3000), keyframeChance: random.NextDouble() * 0.1);
            var sizing = new ChunkSizing(0.5 + random.NextDouble() * 10, random.Next(0, 8), 0.2 + random.NextDouble() * 2, PreferSceneCuts: random.Next(2) == 0);

            var plan = ChunkPlanner.Plan(timeline, 0, 0, sizing);

            Timelines.AssertPartitions(timeline, plan);
            if (plan.Chunks.Count > 1)
            {
                var lastStart = plan.Chunks[^1].StartPts;
                var lastSeconds = (timeline.Pts[^1] - lastStart) / 1000.0;
                Assert.True(lastSeconds >= Math.Min(sizing.ChunkSeconds, sizing.MinimumChunkSeconds) * ChunkPlanner.MinimumTailFraction - 0.001,
                    $"seed {seed}: last chunk spans {lastSeconds} s with {sizing}");
            }
        }
    }
}
