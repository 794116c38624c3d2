using Flock.Media.Probing;

namespace Flock.Media.Planning;

/// <summary>
/// Splits a timeline into chunks of about the target length. A cut goes on a keyframe when one is near the target
/// (cheap for nodes: nothing to decode before the chunk); otherwise it goes on the frame nearest the target, and the
/// node decodes from the previous keyframe and drops what comes before. So a file with a single keyframe still splits.
/// </summary>
public static class ChunkPlanner
{
    /// <summary>A keyframe within this fraction of the target length from the ideal cut is preferred to an exact cut.</summary>
    public const double KeyframeSnapFraction = 0.25;

    /// <summary>A last chunk shorter than this fraction of the target is merged into the one before.</summary>
    public const double MinimumTailFraction = 0.5;

    public static ChunkPlan Plan(FrameTimeline timeline, int streamIndex, double formatStartSeconds, double chunkSeconds)
    {
        if (timeline.FrameCount == 0) throw new ArgumentException("a timeline without frames cannot be planned", nameof(timeline));
        if (!(chunkSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(chunkSeconds), "chunk length must be positive");

        var tb = timeline.TimeBase;
        var pts = timeline.Pts;
        var target = (long)Math.Max(1, Math.Round(chunkSeconds * tb.Denominator / tb.Numerator));
        var snap = (long)(target * KeyframeSnapFraction);
        var minTail = (long)(target * MinimumTailFraction);
        var keys = new HashSet<long>(timeline.KeyframePts);

        var cuts = new List<int> { 0 };
        var last = pts[^1];
        while (true)
        {
            var startIndex = cuts[^1];
            var ideal = pts[startIndex] + target;
            if (last - ideal < minTail) break; // what remains after this chunk would be too short: this chunk takes it
            var cut = BestCut(pts, timeline.KeyframePts, startIndex, ideal, snap);
            if (cut <= startIndex || cut >= pts.Length) break;
            // A keyframe snapped late can leave less than the ideal cut did: judge the tail by the real cut.
            if (last - pts[cut] < minTail) break;
            cuts.Add(cut);
        }

        var chunks = new List<PlannedChunk>(cuts.Count);
        for (var i = 0; i < cuts.Count; i++)
        {
            var s = cuts[i];
            var e = i + 1 < cuts.Count ? cuts[i + 1] : pts.Length;
            chunks.Add(new PlannedChunk(i, pts[s], e < pts.Length ? pts[e] : null, e - s, pts[s], pts[e - 1], keys.Contains(pts[s])));
        }
        return new ChunkPlan(streamIndex, tb, formatStartSeconds, chunks);
    }

    private static int BestCut(long[] pts, long[] keyframes, int startIndex, long ideal, long snap)
    {
        // Nearest keyframe to the ideal cut within the snap window, strictly after the chunk's start.
        var k = Array.BinarySearch(keyframes, ideal);
        if (k < 0) k = ~k;
        long? bestKey = null;
        foreach (var candidate in new[] { k - 1, k })
        {
            if (candidate < 0 || candidate >= keyframes.Length) continue;
            var key = keyframes[candidate];
            if (key <= pts[startIndex] || Math.Abs(key - ideal) > snap) continue;
            if (bestKey is null || Math.Abs(key - ideal) < Math.Abs(bestKey.Value - ideal)) bestKey = key;
        }
        var target = bestKey ?? ideal;
        var i = Array.BinarySearch(pts, target);
        if (i < 0) i = ~i; // first frame at or after the target
        return Math.Max(i, startIndex + 1);
    }
}
