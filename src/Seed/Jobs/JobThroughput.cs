using System.Collections.Immutable;

namespace Flock.Seed.Jobs;

/// <summary>A point on a job's running count of encoded frames.</summary>
public sealed record ThroughputSample(DateTimeOffset At, long Frames);

/// <summary>
/// A job's recent encode throughput: a running count of frames encoded (only ever growing, so a chunk handed to
/// another node does not make the rate go negative) sampled as progress arrives, and the rate over the last
/// <see cref="Window"/>. Pure: the actor records and asks, the clock is passed in.
/// </summary>
/// <param name="First">The sample that started the count (encoding began), kept for the average over the whole encode.</param>
public sealed record JobThroughput(TimeSpan Window, ImmutableList<ThroughputSample> Samples, ThroughputSample? First = null)
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(15);

    /// <summary>Below this span a rate is mostly noise from one report's timing, so none is given.</summary>
    public static readonly TimeSpan MinimumSpan = TimeSpan.FromSeconds(1);

    public static JobThroughput Empty(TimeSpan? window = null) => new(window ?? DefaultWindow, []);

    public long Frames => Samples.IsEmpty ? 0 : Samples[^1].Frames;

    /// <summary>Adds frames encoded since the last sample (0 marks the start of encoding) and forgets what lies before the window.</summary>
    public JobThroughput Record(DateTimeOffset at, long newFrames)
    {
        var samples = Samples.Add(new ThroughputSample(at, Frames + Math.Max(0, newFrames)));
        // Keep one sample at or before the window's start as the baseline; older ones can never be used again.
        while (samples.Count > 1 && samples[1].At <= at - Window) samples = samples.RemoveAt(0);
        return this with { Samples = samples, First = First ?? samples[0] };
    }

    /// <summary>
    /// How long the count must have run before its rate makes a first ETA: x264's lookahead holds each node's first
    /// frames back for a second or more, and an ETA first made from that dead start would be minutes too long.
    /// </summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(3);

    /// <summary>Whether the count has run for <see cref="SettleTime"/> by <paramref name="now"/>.</summary>
    public bool HasSettled(DateTimeOffset now) => First is { } first && now - first.At >= SettleTime;

    /// <summary>
    /// Frames per second since encoding began, up to <paramref name="until"/> while it runs (or, once it has stopped,
    /// up to the last frames that came in); null when nothing was counted or within the first second.
    /// </summary>
    public double? AverageFramesPerSecond(DateTimeOffset until, bool running)
    {
        if (First is not { } first) return null;
        var end = running ? until : Samples[^1].At;
        var span = end - first.At;
        return span < MinimumSpan ? null : (Frames - first.Frames) / span.TotalSeconds;
    }

    /// <summary>Frames per second over roughly the last window up to <paramref name="now"/>; 0 when nothing moved, null when too early to say.</summary>
    public double? FramesPerSecond(DateTimeOffset now)
    {
        if (Samples.IsEmpty) return null;
        var baseline = Samples[0];
        foreach (var s in Samples)
        {
            if (s.At <= now - Window) baseline = s;
            else break;
        }
        var span = now - baseline.At;
        if (span < MinimumSpan) return null;
        return (Frames - baseline.Frames) / span.TotalSeconds;
    }

    /// <summary>
    /// The plain estimate: seconds until the remaining frames are encoded at this rate; 0 when none remain, null when
    /// the rate is unknown or zero. A job shows it smoothed by <see cref="EtaEstimate"/>.
    /// </summary>
    public static double? EtaSeconds(long remainingFrames, double? framesPerSecond) =>
        remainingFrames <= 0 ? 0 : framesPerSecond is > 0 and var fps ? remainingFrames / fps : null;

    /// <summary>A chunk's share done, 0–100: from frames reported against frames expected, 100 once verified.</summary>
    public static double ChunkPercent(bool done, int encodedFrames, int expectedFrames) =>
        done ? 100 : expectedFrames <= 0 ? 0 : Math.Clamp(100.0 * encodedFrames / expectedFrames, 0, 100);
}
