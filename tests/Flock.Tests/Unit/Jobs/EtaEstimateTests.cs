using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>The smoothed ETA a job shows: it moves only as far as the clock and the work that came back justify.</summary>
public sealed class EtaEstimateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    /// <summary>
    /// Two nodes at a steady 30 fps each on 90-frame chunks, as the seed sees them: a progress report a second that
    /// lags x264's 40-frame lookahead, then two quiet seconds of upload and verification, then the chunk's unreported
    /// frames land at once. The seed is asked every half second. Returns (plain ETA, smoothed ETA) per answer.
    /// </summary>
    private static List<(double? Plain, double? Smoothed)> SteadyTwoNodeEncode()
    {
        const int chunkFrames = 90, lookahead = 40, chunks = 24;
        const double nodeFps = 30, verifySeconds = 2;
        var total = chunkFrames * chunks;
        var throughput = JobThroughput.Empty().Record(At(0), 0);
        EtaEstimate? eta = null;
        var answers = new List<(double?, double?)>();
        var reported = new int[2];
        var chunkStart = new double[2];
        var next = 2;
        long counted = 0;
        for (var tick = 1; counted < total; tick++)
        {
            var now = tick * 0.5;
            for (var node = 0; node < 2; node++)
            {
                var elapsed = now - chunkStart[node];
                var encodeSeconds = chunkFrames / nodeFps;
                if (elapsed >= encodeSeconds + verifySeconds)
                {
                    // Verified: whatever was not reported lands now, and the node starts its next chunk.
                    var rest = chunkFrames - reported[node];
                    throughput = throughput.Record(At(now), rest);
                    counted += rest;
                    reported[node] = 0;
                    chunkStart[node] = next++ < chunks ? now : double.PositiveInfinity;
                }
                else if (elapsed < encodeSeconds && tick % 2 == 0)
                {
                    var frames = Math.Max(0, (int)(elapsed * nodeFps) - lookahead);
                    throughput = throughput.Record(At(now), frames - reported[node]);
                    counted += frames - reported[node];
                    reported[node] = frames;
                }
            }

            var rate = throughput.FramesPerSecond(At(now));
            eta = EtaEstimate.Next(eta, At(now), total - counted, rate);
            answers.Add((JobThroughput.EtaSeconds(total - counted, rate), eta?.Seconds));
        }

        return answers;
    }

    private static IEnumerable<(double Last, double Next)> Steps(double[] values) => values.Skip(1).Select((v, i) => (values[i], v));

    [Fact]
    public void Eta_should_never_climb_while_work_arrives_at_a_steady_rate()
    {
        var answers = SteadyTwoNodeEncode();

        // The plain estimate does climb here (what users saw: 12 -> 19 s while chunks were verified) ...
        var plain = answers.Select(a => a.Plain).OfType<double>().ToArray();
        Assert.Contains(Steps(plain), p => p.Next > p.Last + 1);
        // ... the smoothed one never does, and still ends at zero.
        var smoothed = answers.Select(a => a.Smoothed).OfType<double>().ToArray();
        Assert.NotEmpty(smoothed);
        Assert.All(Steps(smoothed), p => Assert.True(p.Next <= p.Last, $"climbed from {p.Last:0.00} to {p.Next:0.00}"));
        Assert.Equal(0, smoothed[^1]);
    }

    [Fact]
    public void Eta_should_never_fall_by_more_than_the_time_passed_and_what_the_work_that_came_back_is_worth()
    {
        // Rates that swing wildly and frames that arrive in bursts: every step is checked against the rule.
        var random = new Random(15);
        long remaining = 20_000;
        EtaEstimate? previous = null;
        var now = 0.0;
        var checkedSteps = 0;
        while (remaining > 0)
        {
            now += random.NextDouble() * 3;
            var done = random.Next(0, 10) == 0 ? random.Next(200, 2000) : random.Next(0, 60);
            remaining = Math.Max(0, remaining - done);
            var rate = random.NextDouble() * 200 + 1;
            var next = EtaEstimate.Next(previous, At(now), remaining, rate)!;
            if (previous is not null && remaining > 0)
            {
                var worth = previous.Seconds * (previous.RemainingFrames - remaining) / previous.RemainingFrames;
                var elapsed = (next.At - previous.At).TotalSeconds;
                Assert.True(previous.Seconds - next.Seconds <= elapsed + worth + 1e-9,
                    $"fell {previous.Seconds - next.Seconds:0.00}s in {elapsed:0.00}s with {worth:0.00}s of work back");
                checkedSteps++;
            }

            previous = next;
        }

        Assert.True(checkedSteps > 100);
        Assert.Equal(0, previous!.Seconds);
    }

    [Fact]
    public void A_rate_that_jumps_up_should_not_drag_the_eta_down_with_it()
    {
        var first = EtaEstimate.Next(null, At(0), 1000, 10)!;
        // A burst makes the short-window rate read 100 fps: plainly 9.8 s, but only 1 s passed and 2% of the work came back.
        var next = EtaEstimate.Next(first, At(1), 980, 100)!;

        Assert.Equal(100, first.Seconds, 6);
        Assert.Equal(100 - 1 - 2, next.Seconds, 6);
    }

    [Fact]
    public void Eta_should_climb_by_what_work_handed_back_is_worth_when_a_node_is_lost()
    {
        var first = EtaEstimate.Next(null, At(0), 600, 30)!;
        // A second later 30 more frames are in, but a lost node's 300 encoded frames are to do again: 270 more frames
        // left, worth 9 s at the 20 s for 600 shown before.
        var next = EtaEstimate.Next(first, At(1), 600 - 30 + 300, 30)!;

        Assert.Equal(20, first.Seconds, 6);
        Assert.Equal(29, next.Seconds, 6);
    }

    [Fact]
    public void Eta_should_hold_then_creep_up_only_slowly_when_the_cluster_proves_slower_and_then_follow_it()
    {
        var eta = EtaEstimate.Next(null, At(0), 600, 60)!;
        var shown = new List<(int Second, double Eta)>();
        var remaining = 600L;
        for (var s = 1; eta.Seconds < remaining / 20.0; s++)
        {
            remaining -= 20;
            eta = EtaEstimate.Next(eta, At(s), remaining, 20)!;
            shown.Add((s, eta.Seconds));
            Assert.True(s < 60, "the ETA never caught up with the slower rate");
        }

        // Held while the slowdown might still be a pause, then at most half a second higher each second.
        var slowerFor = (int)EtaEstimate.SlowerFor.TotalSeconds;
        Assert.All(shown.Where(p => p.Second <= slowerFor), p => Assert.Equal(10, p.Eta, 6));
        Assert.All(shown.Skip(1).Select((p, i) => p.Eta - shown[i].Eta), rise => Assert.True(rise <= EtaEstimate.Creep + 1e-9, $"rose {rise:0.00}s in one second"));
        Assert.True(shown.Max(p => p.Eta) > 10);
        Assert.Equal(remaining / 20.0, eta.Seconds, 6);
    }

    [Fact]
    public void Without_a_rate_the_last_estimate_should_hold_and_with_nothing_left_it_should_be_zero()
    {
        Assert.Null(EtaEstimate.Next(null, At(0), 100, null));
        var first = EtaEstimate.Next(null, At(0), 100, 10)!;

        Assert.Equal(10, EtaEstimate.Next(first, At(5), 100, 0)!.Seconds, 6);
        Assert.Equal(0, EtaEstimate.Next(first, At(1), 0, null)!.Seconds);
        Assert.Equal(0, EtaEstimate.Next(first, At(1), 0, 10)!.Seconds);
    }
}
