using Flock.Media.Planning;
using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Planning;

/// <summary>Inputs no plan can be made from are refused rather than planned into nonsense.</summary>
public sealed class ChunkPlannerArgumentTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(-10.0)]
    [InlineData(double.NaN)]
    public void Planner_should_refuse_a_chunk_length_that_is_not_positive(double chunkSeconds)
    {
        var timeline = Timelines.ConstantRate(frames: 100, keyframeEvery: 50);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ChunkPlanner.Plan(timeline, 0, 0, chunkSeconds));

        Assert.Equal("chunkSeconds", e.ParamName);
    }

    [Fact]
    public void Planner_should_refuse_a_timeline_without_frames()
    {
        var timeline = new FrameTimeline(Timelines.Mp4, [], []);

        Assert.Throws<ArgumentException>(() => ChunkPlanner.Plan(timeline, 0, 0, 10));
    }
}
