using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>The whole-run fps history behind the dashboard's chart, with an explicit clock.</summary>
public sealed class FpsHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    [Fact]
    public void Each_point_should_be_the_rate_since_the_sample_before_it()
    {
        var h = FpsHistory.Empty().Record(At(0), 0).Record(At(2), 100).Record(At(4), 20);

        var points = h.Points();

        Assert.Equal([50.0, 10.0], points.Select(p => p.Fps));
        Assert.Equal([At(2), At(4)], points.Select(p => p.At));
        Assert.Equal([100L, 120L], points.Select(p => p.Frames));
    }

    [Fact]
    public void Frames_reported_between_samples_should_count_in_the_next_point_and_show_as_the_latest_meanwhile()
    {
        var h = FpsHistory.Empty(TimeSpan.FromSeconds(2)).Record(At(0), 0).Record(At(1), 30);

        // Not yet a sample (1 s after the first), but the latest count is shown up to when it came.
        Assert.Equal([30.0], h.Points().Select(p => p.Fps));
        Assert.Single(h.Samples);

        h = h.Record(At(2), 10);
        Assert.Equal([20.0], h.Points().Select(p => p.Fps));
        Assert.Equal(40, h.Samples[^1].Frames);
    }

    [Fact]
    public void A_full_history_should_keep_its_start_and_end_at_a_coarser_grain_with_exact_totals()
    {
        var h = FpsHistory.Empty(TimeSpan.FromSeconds(1)).Record(At(0), 0);
        for (var s = 1; s <= 3 * FpsHistory.Capacity; s++) h = h.Record(At(s), s <= FpsHistory.Capacity ? 10 : 30);

        Assert.True(h.Samples.Count <= FpsHistory.Capacity, $"{h.Samples.Count} samples kept");
        Assert.True(h.Interval > TimeSpan.FromSeconds(1), "the interval should have grown");
        Assert.Equal(At(0), h.Samples[0].At);
        Assert.Equal(At(3 * FpsHistory.Capacity), h.Points()[^1].At);
        Assert.Equal(10L * FpsHistory.Capacity + 30L * 2 * FpsHistory.Capacity, h.Points()[^1].Frames);
        // Dropping samples merges intervals: the rates stay exact, the slow first third at 10 fps and the rest at 30.
        Assert.All(h.Points().Where(p => p.At <= At(FpsHistory.Capacity)), p => Assert.Equal(10.0, p.Fps));
        Assert.All(h.Points().Where(p => p.At > At(FpsHistory.Capacity + 8)), p => Assert.Equal(30.0, p.Fps));
    }

    [Fact]
    public void No_point_should_be_given_before_there_are_two_times_to_measure_between()
    {
        Assert.Empty(FpsHistory.Empty().Points());
        Assert.Empty(FpsHistory.Empty().Record(At(0), 0).Points());
    }
}
