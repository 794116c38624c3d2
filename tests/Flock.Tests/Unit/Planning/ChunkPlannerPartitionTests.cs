using Flock.Media.Planning;
using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Planning;

/// <summary>Whatever the timeline looks like, the chunks together hold every frame exactly once.</summary>
public sealed class ChunkPlannerPartitionTests
{
    [Fact]
    public void Planner_should_partition_a_constant_rate_timeline_with_regular_keyframes()
    {
        var timeline = Timelines.ConstantRate(frames: 2500, keyframeEvery: 50);

        var plan = ChunkPlanner.Plan(timeline, streamIndex: 0, formatStartSeconds: 0, chunkSeconds: 10);

        Timelines.AssertPartitions(timeline, plan);
    }

    [Fact]
    public void Planner_should_partition_a_timeline_that_does_not_start_at_zero()
    {
        // mp4 with an edit list or a B-frame delay starts its video at a positive timestamp.
        var timeline = Timelines.ConstantRate(frames: 1000, keyframeEvery: 48, firstPts: 1024);

        var plan = ChunkPlanner.Plan(timeline, 0, formatStartSeconds: 0.08, chunkSeconds: 7);

        Timelines.AssertPartitions(timeline, plan);
    }

    [Fact]
    public void Planner_should_put_a_single_frame_in_one_chunk_that_runs_to_the_end()
    {
        var timeline = new FrameTimeline(Timelines.Mp4, [1536], [1536]);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds: 10);

        var chunk = Assert.Single(plan.Chunks);
        Assert.Equal(new PlannedChunk(0, 1536, null, 1, 1536, 1536, true), chunk);
    }

    [Fact]
    public void Planner_should_keep_a_source_shorter_than_one_chunk_whole()
    {
        var timeline = Timelines.ConstantRate(frames: 100, keyframeEvery: 50);

        var plan = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds: 30);

        var chunk = Assert.Single(plan.Chunks);
        Assert.Equal(100, chunk.FrameCount);
        Assert.Null(chunk.EndPts);
    }

    [Fact]
    public void Planner_should_record_the_stream_and_time_base_it_planned()
    {
        var timeline = Timelines.ConstantRate(frames: 300, keyframeEvery: 50);

        var plan = ChunkPlanner.Plan(timeline, streamIndex: 2, formatStartSeconds: 1.5, chunkSeconds: 4);

        Assert.Equal(2, plan.StreamIndex);
        Assert.Equal(new TimeBase(1, 12800), plan.TimeBase);
        Assert.Equal(1.5, plan.FormatStartSeconds);
    }

    [Fact]
    public void Planner_should_partition_random_variable_frame_rate_timelines()
    {
        // Irregular gaps and randomly placed keyframes stand in for VFR phone footage and scene-cut encoders.
        for (var seed = 0; seed < 100; seed++)
        {
            var random = new Random(seed);
            var timeline = Timelines.Variable(random, frames: random.Next(1, 1500), keyframeChance: random.NextDouble() * 0.1);
            var chunkSeconds = 0.5 + random.NextDouble() * 10;

            var plan = ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds);

            Timelines.AssertPartitions(timeline, plan);
        }
    }
}
