using Flock.Media.Probing;

namespace Flock.Media.Planning;

/// <summary>
/// Splits a timeline into chunks of about the target length. A cut goes on a keyframe when one is near the target
/// (cheap for nodes: nothing to decode before the chunk); otherwise it goes on the frame nearest the target, and the
/// node decodes from the previous keyframe and drops what comes before. So a file with a single keyframe still splits.
/// With a <see cref="ChunkSizing"/> tail, the last chunks get shorter so that nodes finish together.
/// </summary>
public static class ChunkPlanner
{
    /// <summary>A keyframe within this fraction of the target length from the ideal cut is preferred to an exact cut.</summary>
    public const double KeyframeSnapFraction = 0.25;

    /// <summary>A last chunk shorter than this fraction of the target is merged into the one before.</summary>
    public const double MinimumTailFraction = 0.5;

    public static ChunkPlan Plan(FrameTimeline timeline, int streamIndex, double formatStartSeconds, double chunkSeconds)
    {
        if (!(chunkSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(chunkSeconds), "chunk length must be positive");
        return Plan(timeline, streamIndex, formatStartSeconds, new ChunkSizing(chunkSeconds));
    }

    /// <param name="fixedCuts">
    /// Cuts (frame timestamps, ascending) the plan must begin with: chunks already handed out from a plan of the
    /// source's first seconds keep exactly their frames, and the rest of the file is planned after them.
    /// </param>
    public static ChunkPlan Plan(FrameTimeline timeline, int streamIndex, double formatStartSeconds, ChunkSizing sizing, IReadOnlyList<long>? fixedCuts = null)
    {
        if (timeline.FrameCount == 0) throw new ArgumentException("a timeline without frames cannot be planned", nameof(timeline));
        if (!(sizing.ChunkSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(sizing), "chunk length must be positive");
        if (!(sizing.MinimumChunkSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(sizing), "minimum chunk length must be positive");
        if (sizing.TailChunks < 0) throw new ArgumentOutOfRangeException(nameof(sizing), "tail chunk count cannot be negative");

        var tb = timeline.TimeBase;
        var pts = timeline.Pts;
        var target = Ticks(sizing.ChunkSeconds, tb);
        var minTail = (long)(target * MinimumTailFraction);
        var tail = sizing.TailChunks > 0 ? sizing.TailTargets(target, Ticks(sizing.MinimumChunkSeconds, tb)) : [];
        var tailTotal = tail.Sum();
        var preferred = sizing.PreferSceneCuts ? SceneCuts.Find(pts, timeline.KeyframePts) : null;
        var keys = new HashSet<long>(timeline.KeyframePts);

        var cuts = new List<int> { 0 };
        foreach (var fixedCut in fixedCuts ?? [])
        {
            var at = Array.BinarySearch(pts, fixedCut);
            if (at <= cuts[^1]) throw new ArgumentException($"fixed cut {fixedCut} is not a frame after the previous cut", nameof(fixedCuts));
            cuts.Add(at);
        }
        var last = pts[^1];
        // A source the plain rule keeps whole stays whole: the tail only reshapes the end of a split file.
        var useTail = tail.Length > 0 && last - pts[cuts[^1]] >= target + minTail;
        var shortestTail = useTail ? (long)(tail[^1] * MinimumTailFraction) : minTail;
        var tailIndex = -1; // -1: still in the body of full-length chunks

        // The next chunk's target length for what remains from its start, or null when this chunk takes it all.
        long? NextLength(long remaining)
        {
            if (!useTail) return remaining - target < minTail ? null : target;
            if (tailIndex < 0)
            {
                var body = remaining - tailTotal;
                if (body >= target + minTail) return target;
                tailIndex = 0;
                // The body's last chunk runs to where the tail starts, unless that is too short to be a chunk.
                if (body >= minTail) return body;
            }
            if (tailIndex >= tail.Length - 1) return null;
            // Earlier cuts snapped to keyframes, so share what really remains in the tail's own proportions.
            var left = 0L;
            for (var i = tailIndex; i < tail.Length; i++) left += tail[i];
            var length = Math.Max(1, (long)Math.Round((double)remaining * tail[tailIndex] / left));
            tailIndex++;
            return remaining - length < shortestTail ? null : length;
        }

        while (NextLength(last - pts[cuts[^1]]) is { } length)
        {
            var startIndex = cuts[^1];
            var cut = BestCut(pts, timeline.KeyframePts, preferred, startIndex, pts[startIndex] + length, (long)(length * KeyframeSnapFraction));
            if (cut <= startIndex || cut >= pts.Length) break;
            // A keyframe snapped late can leave less than the ideal cut did: judge the tail by the real cut.
            if (last - pts[cut] < (tailIndex >= 0 ? shortestTail : minTail)) break;
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

    private static long Ticks(double seconds, TimeBase tb) => (long)Math.Max(1, Math.Round(seconds * tb.Denominator / tb.Numerator));

    private static int BestCut(long[] pts, long[] keyframes, HashSet<long>? preferred, int startIndex, long ideal, long snap)
    {
        // Keyframes strictly after the chunk's start and within the snap window of the ideal cut: a scene-cut one when
        // preferred and present (nearest of those), else the nearest.
        var from = Array.BinarySearch(keyframes, Math.Max(pts[startIndex] + 1, ideal - snap));
        if (from < 0) from = ~from;
        long? nearest = null, nearestScene = null;
        for (var k = from; k < keyframes.Length && keyframes[k] <= ideal + snap; k++)
        {
            var key = keyframes[k];
            if (nearest is null || Math.Abs(key - ideal) < Math.Abs(nearest.Value - ideal)) nearest = key;
            if (preferred is not null && preferred.Contains(key) && (nearestScene is null || Math.Abs(key - ideal) < Math.Abs(nearestScene.Value - ideal)))
                nearestScene = key;
        }
        var target = nearestScene ?? nearest ?? ideal;
        var i = Array.BinarySearch(pts, target);
        if (i < 0) i = ~i; // first frame at or after the target
        return Math.Max(i, startIndex + 1);
    }
}
