using Flock.Media.Encoding;
using Flock.Media.Planning;
using Flock.Seed.Jobs;
using Flock.Tests.Unit.Planning;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>A job's bitrate steered to the file's target while encoders miss what each chunk asks for.</summary>
public sealed class RateControlTests
{
    private static RateControl Control(int chunks, string rate = "500k")
    {
        var timeline = Timelines.ConstantRate(chunks * 50, keyframeEvery: 50);
        return RateControl.For(["-c:v", "libx264", "-b:v", rate], timeline, ChunkPlanner.Plan(timeline, 0, 0, 2))!;
    }

    /// <summary>
    /// Runs a job whose encoder lands at <paramref name="ratio"/> of what it is asked, with <paramref name="inFlight"/>
    /// chunks handed out before the first is verified (two nodes with one in reserve each hold four); returns the file's rate.
    /// </summary>
    private static double Run(RateControl control, double ratio, int inFlight)
    {
        var chunks = control.Allocation.Length;
        var asked = new Dictionary<int, long>();
        var next = 0;
        for (; next < Math.Min(inFlight, chunks); next++) (control, asked[next]) = control.Assign(next);
        for (var done = 0; done < chunks; done++)
        {
            control = control.Verified(done, (long)(asked[done] * ratio * control.Seconds[done]));
            if (next < chunks) { (control, asked[next]) = control.Assign(next); next++; }
        }
        return control.Achieved.Values.Sum() / control.Seconds.Sum();
    }

    [Theory]
    [InlineData(0.93, 5, 4)]
    [InlineData(0.93, 30, 4)]
    [InlineData(1.05, 30, 4)]
    [InlineData(0.85, 60, 8)]
    public void A_file_should_land_within_three_percent_of_its_target_when_every_chunk_misses(double ratio, int chunks, int inFlight)
    {
        var rate = Run(Control(chunks), ratio, inFlight);
        Assert.InRange(rate / 500_000, 0.97, 1.03);
    }

    [Fact]
    public void An_encoder_that_hits_what_it_is_asked_should_get_exactly_each_chunks_share()
    {
        var control = Control(10);
        for (var i = 0; i < 10; i++)
        {
            (control, var rate) = control.Assign(i);
            Assert.Equal(control.Allocation[i], rate, 0.5);
            control = control.Verified(i, (long)(rate * control.Seconds[i]));
        }
        Assert.Equal(1, control.LearnedRatio, 3);
    }

    [Fact]
    public void Every_attempt_of_a_chunk_should_be_asked_for_the_same_rate()
    {
        var control = Control(6).Verified(0, 800_000);
        (control, var first) = control.Assign(3);
        (control, var again) = control.Assign(3);
        Assert.Equal(first, again);
    }

    [Fact]
    public void A_chunk_should_never_be_asked_for_more_than_twice_its_share_however_far_behind_the_file_is()
    {
        var control = Control(3);
        (control, _) = control.Assign(0);
        (control, _) = control.Assign(1);
        control = control.Verified(0, 100_000).Verified(1, 100_000); // a tenth of what was asked
        var (_, rate) = control.Assign(2);
        Assert.Equal(RateControl.MaxScale * control.Allocation[2], rate, 1);
    }

    [Fact]
    public void A_head_chunk_handed_out_before_the_plan_should_count_at_the_users_rate()
    {
        // Chunk 0 went out asked for 500k and came to 400k: the others must make up 100k x 2 s between them.
        var control = Control(3).HandedOut(0, 500_000).Verified(0, 800_000);
        Assert.Equal(0.8, control.LearnedRatio, 3);
        (control, var one) = control.Assign(1);
        Assert.True(one > 500_000 / 0.8, $"{one}");
        Assert.Equal(one, control.HandedOut(1, 42).Assigned[1]); // what this control asked for is never overwritten
    }

    [Fact]
    public void A_chunk_whose_first_pass_weighs_more_than_the_others_should_get_more_bits_and_the_file_its_budget()
    {
        // Four chunks the source's bytes call equal; their first passes, arriving one by one, say chunk 2 needs three
        // times what the others need.
        var control = Control(4);
        for (var i = 0; i < 4; i++) (control, _) = control.Assign(i);
        Assert.Equal(control.Allocation[0], control.Allocation[2], 0.5);
        var asked = new long[4];
        (control, asked[0]) = control.SecondPass(0, 1000);
        (control, asked[1]) = control.SecondPass(1, 1000);
        (control, asked[2]) = control.SecondPass(2, 3000);
        (control, asked[3]) = control.SecondPass(3, 1000);
        Assert.Equal(asked[0], asked[1]);
        Assert.True(asked[2] > 1.25 * asked[0], string.Join(", ", asked));
        // The chunk weighed last makes up for what the others were asked: the file's bits stay the budget.
        Assert.True(asked[3] < asked[0], string.Join(", ", asked));
        Assert.InRange(asked.Select((r, i) => r * control.Seconds[i]).Sum() / (500_000 * control.Seconds.Sum()), 0.999, 1.001);
        Assert.Equal(asked[2], control.Assigned[2]);
    }

    [Fact]
    public void Chunks_weighed_ahead_should_shape_the_first_ask_and_hold_no_bits_until_their_own_ask()
    {
        // Chunk 2 waits in a node's reserve; its first pass ran before chunk 0 asked its rate.
        var control = Control(4);
        for (var i = 0; i < 4; i++) (control, _) = control.Assign(i);
        control = control.Weighed(1, 1000).Weighed(2, 3000).Weighed(3, 1000);
        Assert.Empty(control.SecondPassAsked);
        var asked = new long[4];
        for (var i = 0; i < 4; i++) (control, asked[i]) = control.SecondPass(i, i == 2 ? 3000 : 1000);
        // Everything was known at the first ask: every chunk gets its share, the first as much as the last.
        Assert.Equal((double)asked[0], asked[3], 1.0);
        Assert.Equal(3.0, asked[2] / (double)asked[0], 0.01);
        Assert.InRange(asked.Select((r, i) => r * control.Seconds[i]).Sum() / (500_000 * control.Seconds.Sum()), 0.999, 1.001);
    }

    [Fact]
    public void Chunks_with_an_x264_model_should_be_shared_at_one_rate_factor_not_in_proportion_to_their_weights()
    {
        // A calm chunk spends most of its bits on headers and motion, which a lower rate factor hardly cuts; a busy one on
        // texture. Proportional shares would starve the calm one; at one rate factor both keep their headers.
        var control = Control(2, "100k");
        var calm = new FirstPassModel(Texture: 20_000, Motion: 20_000, Misc: 60_000);
        var busy = new FirstPassModel(Texture: 900_000, Motion: 60_000, Misc: 40_000);
        (control, _) = control.Assign(0);
        (control, _) = control.Assign(1);
        control = control.Weighed(1, busy.BitsAt(1), busy);
        (control, var calmRate) = control.SecondPass(0, calm.BitsAt(1), calm);
        var budget = 100_000 * control.Seconds.Sum();
        var rateFactor = FirstPassModel.RateFactorFor([calm, busy], budget);
        Assert.Equal(calm.BitsAt(rateFactor) / control.Seconds[0], control.Allocation[0], 1);
        Assert.InRange(calmRate - calm.BitsAt(rateFactor) / control.Seconds[0], -1, 1); // asked in whole bits per second
        var proportional = budget * calm.BitsAt(1) / (calm.BitsAt(1) + busy.BitsAt(1)) / control.Seconds[0];
        Assert.True(calmRate > 1.5 * proportional, $"calm chunk asked {calmRate:0} b/s; proportional share {proportional:0} b/s");
        Assert.Equal(budget, control.Allocation.Select((r, i) => r * control.Seconds[i]).Sum(), 1);
    }

    [Fact]
    public void Chunks_not_weighed_yet_should_follow_the_sources_bytes_only_as_far_as_the_weighed_ones_do()
    {
        // Chunks 0 and 1 the source spent eight times as much on as on 2 and 3, but the first passes of 0 and 2 say both
        // need the same: chunk 1, not weighed yet, is counted nearer chunk 0's need than eight times chunk 3's share.
        var timeline = Timelines.ConstantRate(200, keyframeEvery: 50);
        var plan = ChunkPlanner.Plan(timeline, 0, 0, 2);
        var control = RateControl.For(["-c:v", "libx264", "-b:v", "500k"], timeline, plan)! with { SourceAllocation = [1600_000, 1600_000, 200_000, 200_000] };
        var same = new FirstPassModel(Texture: 400_000, Motion: 20_000, Misc: 10_000);
        control = control.Weighed(0, same.BitsAt(1), same).Weighed(2, same.BitsAt(1), same);
        Assert.True(control.Allocation[1] < 2 * control.Allocation[0], string.Join(", ", control.Allocation));
        Assert.True(control.Allocation[1] > control.Allocation[3], string.Join(", ", control.Allocation));
        // Two chunks weighed say "no slope", pulled towards plain proportion while so few say it: a slope of 2/3.
        Assert.Equal(Math.Pow(8, 2.0 / 3), control.Allocation[1] / control.Allocation[3], 3);
        Assert.Equal(500_000 * control.Seconds.Sum(), control.Allocation.Select((r, i) => r * control.Seconds[i]).Sum(), 0);
    }

    [Fact]
    public void A_first_pass_run_far_from_its_second_passes_quantisers_should_be_run_again_at_the_crf_near_them()
    {
        var control = Control(2, "100k");
        var budget = 100_000 * control.Seconds.Sum();
        // Texture only, so a chunk spends T × rf^1.1: two chunks that each spent three budgets at CRF 23 meet the file's
        // budget at rf = 6^(-1/1.1), 6 × log2(6) / 1.1 = 14.1 QP above the quantisers their first passes ran at.
        var far = new FirstPassModel(Texture: 3 * budget, Motion: 0, Misc: 0) { Crf = 23, ScaleLog2 = 0 };
        control = control.Weighed(0, far.BitsAt(1), far).Weighed(1, far.BitsAt(1), far);
        var shift = 6 * Math.Log2(6) / 1.1;
        Assert.Equal(Math.Pow(6, -1 / 1.1), control.RateFactor!.Value, 6);
        Assert.Equal(shift, far.QpShiftAt(control.RateFactor.Value)!.Value, 6);
        Assert.Equal(Math.Round(23 + shift, 1), control.FirstPassAgainAt(0));
        Assert.Equal(Math.Round(23 + shift, 1), control.FirstPassCrf);
        // Weighed again by what it holds (the job actor weighs before it decides to ask the rate): the same state.
        Assert.Same(control, control.Weighed(1, far.BitsAt(1), far));
        Assert.NotSame(control, control.Weighed(1, 2 * far.BitsAt(1), far.Scaled(2)));
    }

    [Fact]
    public void A_first_pass_near_its_second_passes_quantisers_or_without_its_crf_should_not_be_run_again()
    {
        var control = Control(2, "100k");
        var budget = 100_000 * control.Seconds.Sum();
        // 1.2 budgets each: the second pass runs 6 × log2(1.2) / 1.1 = 1.4 QP above the first, inside RateControl.FarQp.
        var near = new FirstPassModel(Texture: 0.6 * budget, Motion: 0, Misc: 0) { Crf = 23, ScaleLog2 = 0 };
        var near2 = control.Weighed(0, near.BitsAt(1), near).Weighed(1, near.BitsAt(1), near);
        Assert.Null(near2.FirstPassAgainAt(0));
        Assert.Equal(Math.Round(23 + 6 * Math.Log2(1.2) / 1.1, 1), near2.FirstPassCrf);
        // An older node's figures carry no CRF: the seed cannot say where to run it, so it never asks.
        var unknown = new FirstPassModel(Texture: 3 * budget, Motion: 0, Misc: 0);
        var old = control.Weighed(0, unknown.BitsAt(1), unknown).Weighed(1, unknown.BitsAt(1), unknown);
        Assert.Null(old.FirstPassAgainAt(0));
        Assert.Null(old.FirstPassCrf);
    }

    [Fact]
    public void Chunks_not_weighed_yet_should_count_at_their_source_share_times_what_weighed_ones_weigh_per_source_bit()
    {
        var control = Control(4);
        (control, _) = control.Assign(0);
        var before = control.Allocation;
        (control, var rate) = control.SecondPass(0, 1234);
        // One chunk weighed: every other is estimated in proportion, so the shares stay as the source's bytes said.
        Assert.Equal(before[0], control.Allocation[0], 0.5);
        Assert.Equal(before[0], rate, 1);
        Assert.Equal(before[3], control.Allocation[3], 0.5);
    }

    [Fact]
    public void Options_without_a_bitrate_target_should_need_no_rate_control()
    {
        var timeline = Timelines.ConstantRate(100, keyframeEvery: 50);
        Assert.Null(RateControl.For(["-c:v", "libx264", "-crf", "23"], timeline, ChunkPlanner.Plan(timeline, 0, 0, 2)));
    }
}
