using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>The job's recent frames per second and ETA, computed from progress samples with an explicit clock.</summary>
public sealed class JobThroughputTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    [Fact]
    public void Rate_should_be_frames_added_over_the_time_since_encoding_started()
    {
        var t = JobThroughput.Empty().Record(At(0), 0).Record(At(2), 100).Record(At(4), 100);

        Assert.Equal(50.0, t.FramesPerSecond(At(4))!.Value, 6);
        Assert.Equal(200, t.Frames);
    }

    [Fact]
    public void Rate_should_be_unknown_before_any_sample_or_within_the_first_second()
    {
        Assert.Null(JobThroughput.Empty().FramesPerSecond(At(5)));
        Assert.Null(JobThroughput.Empty().Record(At(0), 0).Record(At(0.5), 40).FramesPerSecond(At(0.5)));
    }

    [Fact]
    public void Rate_should_only_count_the_recent_window_so_a_slowdown_shows()
    {
        // 100 fps for 30 s, then 10 fps for 15 s: the 15 s window sees only the slow part.
        var t = JobThroughput.Empty(TimeSpan.FromSeconds(15)).Record(At(0), 0);
        for (var s = 1; s <= 30; s++) t = t.Record(At(s), 100);
        for (var s = 31; s <= 45; s++) t = t.Record(At(s), 10);

        Assert.Equal(10.0, t.FramesPerSecond(At(45))!.Value, 6);
    }

    [Fact]
    public void Rate_should_fall_to_zero_when_no_progress_arrives()
    {
        var t = JobThroughput.Empty(TimeSpan.FromSeconds(15)).Record(At(0), 0).Record(At(5), 500);

        Assert.Equal(0.0, t.FramesPerSecond(At(40))!.Value, 6);
    }

    [Fact]
    public void Frames_going_backwards_when_a_chunk_restarts_should_not_make_the_rate_negative()
    {
        var t = JobThroughput.Empty().Record(At(0), 0).Record(At(2), 80).Record(At(3), -80).Record(At(4), 40);

        Assert.Equal(120, t.Frames);
        Assert.Equal(30.0, t.FramesPerSecond(At(4))!.Value, 6);
    }

    [Fact]
    public void Old_samples_should_be_forgotten_but_one_kept_as_the_baseline()
    {
        var t = JobThroughput.Empty(TimeSpan.FromSeconds(10)).Record(At(0), 0);
        for (var s = 1; s <= 100; s++) t = t.Record(At(s), 25);

        Assert.InRange(t.Samples.Count, 10, 12);
        Assert.True(t.Samples[0].At <= At(90));
        Assert.Equal(25.0, t.FramesPerSecond(At(100))!.Value, 6);
    }

    [Fact]
    public void Average_should_be_every_frame_since_encoding_began_over_that_time_and_stop_with_the_last_frames()
    {
        // 10 s at 100 fps, then 10 s at 10 fps in a 5 s window: now 10 fps, on average 55.
        var t = JobThroughput.Empty(TimeSpan.FromSeconds(5)).Record(At(0), 0);
        for (var s = 1; s <= 10; s++) t = t.Record(At(s), 100);
        for (var s = 11; s <= 20; s++) t = t.Record(At(s), 10);

        Assert.Equal(10.0, t.FramesPerSecond(At(20))!.Value, 6);
        Assert.Equal(55.0, t.AverageFramesPerSecond(At(20), running: true)!.Value, 6);
        // Encoding over (assembling, completed): the clock no longer drags the average down.
        Assert.Equal(55.0, t.AverageFramesPerSecond(At(80), running: false)!.Value, 6);
        Assert.Null(JobThroughput.Empty().AverageFramesPerSecond(At(5), running: true));
    }

    [Theory]
    [InlineData(1000, 50.0, 20.0)]
    [InlineData(75, 30.0, 2.5)]
    public void Eta_should_be_remaining_frames_at_the_current_rate(long remaining, double fps, double expected)
    {
        Assert.Equal(expected, JobThroughput.EtaSeconds(remaining, fps)!.Value, 6);
    }

    [Fact]
    public void Eta_should_be_zero_when_nothing_remains_and_unknown_without_a_rate()
    {
        Assert.Equal(0.0, JobThroughput.EtaSeconds(0, null));
        Assert.Null(JobThroughput.EtaSeconds(10, null));
        Assert.Null(JobThroughput.EtaSeconds(10, 0));
    }

    [Theory]
    [InlineData(false, 0, 100, 0.0)]
    [InlineData(false, 25, 100, 25.0)]
    [InlineData(false, 130, 100, 100.0)]
    [InlineData(true, 0, 100, 100.0)]
    [InlineData(false, 10, 0, 0.0)]
    public void Chunk_percent_should_be_reported_frames_over_planned_frames_and_100_when_done(bool done, int encoded, int expected, double percent)
    {
        Assert.Equal(percent, JobThroughput.ChunkPercent(done, encoded, expected), 6);
    }
}
