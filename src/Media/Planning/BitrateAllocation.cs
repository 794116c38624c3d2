using Flock.Media.Probing;

namespace Flock.Media.Planning;

/// <summary>
/// Shares a file's bitrate target among its chunks by how hard each is to encode, as a single machine's rate control
/// does over the whole file: a busy chunk gets more than a calm one, and the shares average to the target.
/// </summary>
/// <remarks>
/// The measure is what the source spent on each chunk (its packets' bytes per second): free, since the packet index
/// is read at submit anyway, and a fair proxy for how much an encoder needs there. Bits go as complexity^0.6, the
/// curve x264's and x265's default qcomp = 0.6 gives: a chunk twice as complex gets about 1.5 times the bits.
/// </remarks>
public static class BitrateAllocation
{
    public const double Compression = 0.6;

    /// <summary>Each chunk's length in seconds, from its first frame to the next chunk's (the last: its last frame plus one frame).</summary>
    public static double[] Seconds(FrameTimeline timeline, ChunkPlan plan)
    {
        var tb = timeline.TimeBase;
        var frame = MedianFrameTicks(timeline.Pts);
        return plan.Chunks.Select(c =>
        {
            var end = c.EndPts ?? (timeline.Pts.Length > 0 ? timeline.Pts[^1] + frame : c.StartPts + frame);
            return Math.Max(tb.ToSeconds(end - c.StartPts), tb.ToSeconds(Math.Max(1, frame)));
        }).ToArray();
    }

    /// <summary>Bits per second for each chunk; the length-weighted mean is <paramref name="target"/>, none above <paramref name="maxRate"/>.</summary>
    public static double[] Share(FrameTimeline timeline, ChunkPlan plan, long target, long? maxRate = null)
    {
        var seconds = Seconds(timeline, plan);
        var weights = Complexity(timeline, plan, seconds).Select(c => Math.Pow(c, Compression)).ToArray();
        var total = seconds.Sum() * target;
        var capped = new bool[weights.Length];
        var rates = new double[weights.Length];
        // A chunk over the cap is held at it and the rest share what is left; a few rounds settle it.
        for (var round = 0; round <= weights.Length; round++)
        {
            var left = total - Enumerable.Range(0, rates.Length).Where(i => capped[i]).Sum(i => maxRate!.Value * seconds[i]);
            var weighted = Enumerable.Range(0, rates.Length).Where(i => !capped[i]).Sum(i => weights[i] * seconds[i]);
            var overCap = false;
            for (var i = 0; i < rates.Length; i++)
            {
                rates[i] = capped[i] ? maxRate!.Value : weighted > 0 ? left * weights[i] / weighted : target;
                if (maxRate is { } cap && !capped[i] && rates[i] > cap) { capped[i] = true; overCap = true; }
            }
            if (!overCap) break;
        }
        return rates;
    }

    /// <summary>Source bytes per second of each chunk; all ones when the timeline has no packet sizes.</summary>
    private static double[] Complexity(FrameTimeline timeline, ChunkPlan plan, double[] seconds)
    {
        if (timeline.Bytes is not { } bytes || bytes.Start.Length != timeline.Pts.Length) return seconds.Select(_ => 1.0).ToArray();
        var result = new double[plan.Chunks.Count];
        for (var c = 0; c < plan.Chunks.Count; c++)
        {
            var chunk = plan.Chunks[c];
            long sum = 0;
            for (var i = 0; i < timeline.Pts.Length; i++)
            {
                var pts = timeline.Pts[i];
                if (pts >= chunk.StartPts && (chunk.EndPts is not { } end || pts < end)) sum += Math.Max(0, bytes.End[i] - bytes.Start[i]);
            }
            result[c] = sum / seconds[c];
        }
        // A chunk the index says nothing about (no bytes) is taken as average rather than as free.
        var known = result.Where(r => r > 0).ToArray();
        var mean = known.Length > 0 ? known.Average() : 1;
        return result.Select(r => r > 0 ? r : mean).ToArray();
    }

    private static long MedianFrameTicks(long[] pts)
    {
        if (pts.Length < 2) return 1;
        var gaps = new long[pts.Length - 1];
        for (var i = 1; i < pts.Length; i++) gaps[i - 1] = pts[i] - pts[i - 1];
        Array.Sort(gaps);
        return Math.Max(1, gaps[gaps.Length / 2]);
    }
}
