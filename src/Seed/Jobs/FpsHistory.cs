using System.Collections.Immutable;
using Flock.Messages.Jobs;

namespace Flock.Seed.Jobs;

/// <summary>
/// A job's encode rate over its whole run, for the dashboard's chart: samples of the running count of encoded frames,
/// at least <see cref="Interval"/> apart. Bounded without forgetting the start: when full, every other sample goes and
/// the interval doubles, so a long job keeps its whole history at a coarser grain. Pure: the clock is passed in.
/// </summary>
public sealed record FpsHistory(TimeSpan Interval, ImmutableList<ThroughputSample> Samples, long Frames, DateTimeOffset? LastAt)
{
    public const int Capacity = 120;

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    public static FpsHistory Empty(TimeSpan? interval = null) => new(interval ?? DefaultInterval, [], 0, null);

    /// <summary>Adds frames encoded since the last call (0 marks the start of encoding).</summary>
    public FpsHistory Record(DateTimeOffset at, long newFrames)
    {
        var frames = Frames + Math.Max(0, newFrames);
        // Between samples only the count moves: the next sample carries those frames, and Points shows the latest.
        if (!Samples.IsEmpty && at - Samples[^1].At < Interval) return this with { Frames = frames, LastAt = at };
        var samples = Samples.Add(new ThroughputSample(at, frames));
        var interval = Interval;
        if (samples.Count > Capacity)
        {
            // Frames are a running count, so the rate between the samples that stay is still exact.
            samples = samples.Where((_, i) => i % 2 == 0 || i == samples.Count - 1).ToImmutableList();
            interval *= 2;
        }
        return new FpsHistory(interval, samples, frames, at);
    }

    /// <summary>The rate between each sample and the one before it (the latest count included), oldest first.</summary>
    public IReadOnlyList<FpsSampleResponse> Points()
    {
        var samples = Samples;
        if (LastAt is { } last && !samples.IsEmpty && last > samples[^1].At && Frames > samples[^1].Frames)
            samples = samples.Add(new ThroughputSample(last, Frames));
        var points = new List<FpsSampleResponse>(samples.Count);
        for (var i = 1; i < samples.Count; i++)
        {
            var seconds = (samples[i].At - samples[i - 1].At).TotalSeconds;
            if (seconds <= 0) continue;
            points.Add(new FpsSampleResponse(samples[i].At, Math.Round((samples[i].Frames - samples[i - 1].Frames) / seconds, 1), samples[i].Frames));
        }
        return points;
    }
}
