using Flock.Media.Planning;
using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Planning;

public sealed class BitrateAllocationTests
{
    /// <summary>10 s at 25 fps in 2 s chunks; each chunk's source packets are <paramref name="bytesPerFrame"/> a frame.</summary>
    private static (FrameTimeline Timeline, ChunkPlan Plan) Source(params long[] bytesPerFrame)
    {
        var frames = bytesPerFrame.Length * 50;
        var timeline = Timelines.ConstantRate(frames, keyframeEvery: 50);
        var starts = new long[frames];
        var ends = new long[frames];
        long position = 0;
        for (var i = 0; i < frames; i++)
        {
            starts[i] = position;
            position += bytesPerFrame[i / 50];
            ends[i] = position;
        }
        timeline = timeline with { Bytes = new PacketBytes(starts, ends) };
        return (timeline, ChunkPlanner.Plan(timeline, 0, 0, 2));
    }

    private static double MeanRate(double[] rates, double[] seconds) => rates.Zip(seconds, (r, s) => r * s).Sum() / seconds.Sum();

    [Fact]
    public void Busy_chunks_should_get_more_bits_and_the_file_should_average_the_target()
    {
        var (timeline, plan) = Source(1000, 1000, 8000, 8000, 1000);

        var rates = BitrateAllocation.Share(timeline, plan, 500_000);

        Assert.Equal(5, rates.Length);
        Assert.Equal(500_000, MeanRate(rates, BitrateAllocation.Seconds(timeline, plan)), 1);
        // Eight times the source bytes gets 8^0.6 = 3.48 times the bits: x264's qcomp curve, not a straight line.
        Assert.Equal(Math.Pow(8, BitrateAllocation.Compression), rates[2] / rates[0], 3);
        Assert.Equal(rates[0], rates[4], 1);
    }

    [Fact]
    public void A_source_of_even_complexity_should_give_every_chunk_the_target()
    {
        var (timeline, plan) = Source(3000, 3000, 3000);
        Assert.All(BitrateAllocation.Share(timeline, plan, 400_000), r => Assert.Equal(400_000, r, 1));
    }

    [Fact]
    public void No_chunk_should_be_asked_for_more_than_maxrate_and_the_rest_should_make_up_for_it()
    {
        var (timeline, plan) = Source(1000, 1000, 30000, 1000, 1000);

        var rates = BitrateAllocation.Share(timeline, plan, 500_000, maxRate: 800_000);

        Assert.Equal(800_000, rates[2], 1);
        Assert.All(rates, r => Assert.True(r <= 800_000.5, $"{r} is over the cap"));
        Assert.Equal(500_000, MeanRate(rates, BitrateAllocation.Seconds(timeline, plan)), 1);
    }

    [Fact]
    public void A_timeline_without_packet_sizes_should_share_evenly()
    {
        var timeline = Timelines.ConstantRate(250, keyframeEvery: 50);
        Assert.All(BitrateAllocation.Share(timeline, ChunkPlanner.Plan(timeline, 0, 0, 2), 300_000), r => Assert.Equal(300_000, r, 1));
    }
}
