using Flock.Media.Planning;
using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Planning;

/// <summary>What a node is told about where its chunk begins and how long it lasts.</summary>
public sealed class ChunkPlanSeekTests
{
    [Fact]
    public void Seek_should_be_null_for_the_first_chunk()
    {
        var timeline = Timelines.ConstantRate(frames: 1000, keyframeEvery: 50);
        var plan = ChunkPlanner.Plan(timeline, 0, 0, 10);

        Assert.Null(EntryPoints.SeekSeconds(plan, timeline, plan.Chunks[0], new HashSet<long>()));
    }

    [Fact]
    public void Seek_should_be_the_keyframe_relative_to_the_format_start_plus_half_a_tick()
    {
        // The video starts at 0.1 s (pts 1280) and so does the file; chunk 1 starts 10 s later at pts 129280.
        var plan = ChunkPlanner.Plan(Timelines.ConstantRate(frames: 1000, keyframeEvery: 50, firstPts: 1280), 0, 0.1, 10);

        Assert.Equal(129280, plan.Chunks[1].StartPts);
        Assert.Equal(10 + 0.5 / 12800, plan.SeekSecondsAt(plan.Chunks[1].StartPts), precision: 9);
    }

    [Fact]
    public void Seek_should_never_be_negative()
    {
        // A video stream that starts before the container's start time (negative offsets in some mp4s).
        var plan = new ChunkPlan(0, Timelines.Mp4, FormatStartSeconds: 5, [
            new PlannedChunk(0, 0, 512, 1, 0, 0, true),
            new PlannedChunk(1, 512, null, 1, 512, 512, true),
        ]);

        Assert.Equal(0, plan.SeekSecondsAt(plan.Chunks[1].StartPts));
    }

    [Theory]
    [InlineData(1L, 90000L, 972_000_000L)]   // three hours of MPEG-TS
    [InlineData(1L, 12800L, 2_000_000_000L)] // a very long mp4
    [InlineData(1001L, 30000L, 123_457L)]     // NTSC stored with the frame duration as time base
    public void Seek_should_land_strictly_inside_the_first_tick_of_the_chunk(long numerator, long denominator, long startPts)
    {
        // Landing at or before the keyframe's timestamp after float rounding would let ffmpeg pick the packet before
        // it; landing a whole tick later could skip it.
        var tb = new TimeBase(numerator, denominator);
        var plan = new ChunkPlan(0, tb, FormatStartSeconds: 0, [
            new PlannedChunk(0, 0, startPts, 1, 0, 0, true),
            new PlannedChunk(1, startPts, null, 1, startPts, startPts, true),
        ]);

        var seek = (decimal)plan.SeekSecondsAt(plan.Chunks[1].StartPts);

        Assert.True(seek > (decimal)startPts * numerator / denominator);
        Assert.True(seek < (decimal)(startPts + 1) * numerator / denominator);
    }

    [Fact]
    public void Duration_should_be_the_distance_to_the_next_chunk_and_null_for_the_last()
    {
        var plan = ChunkPlanner.Plan(Timelines.ConstantRate(frames: 1000, keyframeEvery: 50), 0, 0, 10);

        Assert.All(plan.Chunks.SkipLast(1), c => Assert.Equal(250 * 512L, plan.DurationTicks(c)));
        Assert.Null(plan.DurationTicks(plan.Chunks[^1]));
    }
}
