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
