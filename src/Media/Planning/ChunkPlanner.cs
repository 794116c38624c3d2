using Flock.Media.Probing;

namespace Flock.Media.Planning;

/// <summary>
/// Splits a timeline into chunks of about the target length. A cut goes on a keyframe when one is near the target
/// (cheap for nodes: nothing to decode before the chunk); otherwise it goes on the frame nearest the target, and the
/// node decodes from the previous keyframe and drops what comes before. So a file with a single keyframe still splits.
/// With a <see cref="ChunkSizing"/> tail, the end of the source also yields shorter chunks, which nodes take last (they
/// take the longest pending chunk first), so that nodes finish together; those are laid out where keyframes make them cheap.
/// With a <see cref="ChunkSizing.FixedGop"/> of N, every cut the planner picks is a frame whose index (from the
/// source's first frame) is a multiple of N: a source keyframe among those near the target if there is one, else the
/// multiple nearest the target (so a chunk is never shorter than N frames, except the file's last).
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
        if (sizing.FixedGop is < 1) throw new ArgumentOutOfRangeException(nameof(sizing), "a fixed GOP must be at least one frame");

        var tb = timeline.TimeBase;
        var pts = timeline.Pts;
        var target = Ticks(sizing.ChunkSeconds, tb);
        var minTail = (long)(target * MinimumTailFraction);
        var tail = sizing.TailChunks > 0 ? sizing.TailTargets(target, Ticks(sizing.MinimumChunkSeconds, tb)) : [];
        var tailTotal = tail.Sum();
        var preferred = sizing.PreferSceneCuts ? SceneCuts.Find(pts, timeline.KeyframePts) : null;
        var keys = new HashSet<long>(timeline.KeyframePts);
        var gop = sizing.FixedGop ?? 1;

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

        // The body: full-length chunks until what remains is the body's last chunk and the tail.
        while (true)
        {
            var remaining = last - pts[cuts[^1]];
            if (useTail ? remaining - tailTotal < target + minTail : remaining - target < minTail) break;
            var startIndex = cuts[^1];
            var cut = BestCut(pts, timeline.KeyframePts, preferred, gop, startIndex, pts[startIndex] + target, (long)(target * KeyframeSnapFraction));
            if (cut <= startIndex || cut >= pts.Length) break;
            // A keyframe snapped late can leave less than the ideal cut did: judge the end by the real cut.
            if (last - pts[cut] < minTail) break;
            cuts.Add(cut);
        }
        if (useTail) cuts.AddRange(TailCuts(timeline, preferred, gop, cuts[^1], tail, minTail));

        var chunks = new List<PlannedChunk>(cuts.Count);
        for (var i = 0; i < cuts.Count; i++)
        {
            var s = cuts[i];
            var e = i + 1 < cuts.Count ? cuts[i + 1] : pts.Length;
            chunks.Add(new PlannedChunk(i, pts[s], e < pts.Length ? pts[e] : null, e - s, pts[s], pts[e - 1], keys.Contains(pts[s])));
        }
        return new ChunkPlan(streamIndex, tb, formatStartSeconds, chunks);
    }

    /// <summary>
    /// Cuts for what follows the body: the body's last chunk (what the tail leaves of it) and the tail chunks, in
    /// whichever timeline order costs the nodes least decoding before their first frame. Nodes take the longest pending
    /// chunk first, so a short chunk is handed out last wherever it sits; placed at a keyframe it needs no frames decoded
    /// and dropped before it, where at the very end of a source with long GOPs it could need seconds of them (bench/: the
    /// last 2 s chunk decoded 170 frames first, costing as much as encoding it).
    /// </summary>
    private static List<int> TailCuts(FrameTimeline timeline, HashSet<long>? preferred, int gop, int startIndex, long[] tail, long minTail)
    {
        var pts = timeline.Pts;
        var remaining = pts[^1] - pts[startIndex];
        var body = remaining - tail.Sum();
        var lengths = body >= minTail ? [body, .. tail] : Shared(tail, remaining);
        // No chunk may end up shorter than half the shortest target; when no order allows that, the tail makes do
        // with fewer chunks.
        var shortest = (long)(tail.Min() * MinimumTailFraction);
        for (var count = lengths.Length; count > 1; count--)
        {
            if (BestOrder(timeline, preferred, gop, startIndex, lengths[..count], shortest) is { } cuts) return cuts;
        }
        return [];
    }

    /// <summary>The tail's targets scaled to what really remains: earlier cuts snapped to keyframes.</summary>
    private static long[] Shared(long[] tail, long remaining)
    {
        var total = (double)tail.Sum();
        return tail.Select(t => Math.Max(1, (long)Math.Round(remaining * t / total))).ToArray();
    }

    /// <summary>Above this many chunks the tail keeps its order: trying every order would cost more than it saves.</summary>
    private const int MaxReorderedChunks = 7;

    /// <summary>
    /// Lays the chunks out in every order (each cut on a keyframe within a quarter of its shorter neighbour's length, or
    /// exact) and keeps the order with the fewest frames decoded before cuts, then the one closest to the targets, then
    /// the earliest (so the given order wins a tie); null when no order leaves a last chunk of at least
    /// <paramref name="shortest"/>.
    /// </summary>
    private static List<int>? BestOrder(FrameTimeline timeline, HashSet<long>? preferred, int gop, int startIndex, long[] lengths, long shortest)
    {
        var pts = timeline.Pts;
        var keyframes = timeline.KeyframePts;
        var wanted = lengths.Order().ToArray();
        var order = Enumerable.Range(0, lengths.Length).ToArray();
        // Orders that differ only by frames rounded differently are equally close.
        var roundingSlack = Math.Max(1, (pts[^1] - pts[0]) / Math.Max(1, pts.Length - 1)) * lengths.Length;
        List<int>? best = null;
        (long PreRoll, long Deviation) bestScore = (long.MaxValue, long.MaxValue);
        do
        {
            var cuts = new List<int>(lengths.Length - 1);
            var at = startIndex;
            for (var j = 0; j + 1 < order.Length && at < pts.Length; j++)
            {
                var snap = (long)(Math.Min(lengths[order[j]], lengths[order[j + 1]]) * KeyframeSnapFraction);
                at = BestCut(pts, keyframes, preferred, gop, at, pts[at] + lengths[order[j]], snap);
                cuts.Add(at);
            }
            if (at >= pts.Length || pts[^1] - pts[at] < shortest) continue;
            var score = (PreRoll: cuts.Sum(c => PreRollFrames(timeline, c)), Deviation: Deviation(pts, startIndex, cuts, wanted) / roundingSlack);
            if (score.PreRoll < bestScore.PreRoll || (score.PreRoll == bestScore.PreRoll && score.Deviation < bestScore.Deviation))
            {
                best = cuts;
                bestScore = score;
            }
        }
        while (lengths.Length <= MaxReorderedChunks && NextPermutation(order));
        return best;
    }

    /// <summary>Frames a node decodes and drops before a chunk starting at this frame: those since the keyframe before it.</summary>
    private static long PreRollFrames(FrameTimeline timeline, int index)
    {
        var k = Array.BinarySearch(timeline.KeyframePts, timeline.Pts[index]);
        if (k >= 0) return 0;
        k = ~k - 1;
        if (k < 0) return index;
        var key = Array.BinarySearch(timeline.Pts, timeline.KeyframePts[k]);
        return key >= 0 ? index - key : index;
    }

    private static long Deviation(long[] pts, int startIndex, List<int> cuts, long[] wanted)
    {
        var bounds = cuts.Prepend(startIndex).ToList();
        var actual = bounds.Select((b, i) => (i + 1 < bounds.Count ? pts[bounds[i + 1]] : pts[^1]) - pts[b]).Order().ToArray();
        return actual.Zip(wanted, (a, w) => Math.Abs(a - w)).Sum();
    }

    /// <summary>The next order in lexicographic sequence; false after the last.</summary>
    private static bool NextPermutation(int[] order)
    {
        var i = order.Length - 2;
        while (i >= 0 && order[i] >= order[i + 1]) i--;
        if (i < 0) return false;
        var j = order.Length - 1;
        while (order[j] <= order[i]) j--;
        (order[i], order[j]) = (order[j], order[i]);
        Array.Reverse(order, i + 1, order.Length - i - 1);
        return true;
    }

    private static long Ticks(double seconds, TimeBase tb) => (long)Math.Max(1, Math.Round(seconds * tb.Denominator / tb.Numerator));

    /// <summary>The index of the frame to cut at; <paramref name="pts"/>.Length or more when the cut falls past the end.</summary>
    private static int BestCut(long[] pts, long[] keyframes, HashSet<long>? preferred, int gop, int startIndex, long ideal, long snap)
    {
        // Keyframes strictly after the chunk's start and within the snap window of the ideal cut (on the GOP grid): a
        // scene-cut one when preferred and present (nearest of those), else the nearest.
        var from = Array.BinarySearch(keyframes, Math.Max(pts[startIndex] + 1, ideal - snap));
        if (from < 0) from = ~from;
        long? nearest = null, nearestScene = null;
        for (var k = from; k < keyframes.Length && keyframes[k] <= ideal + snap; k++)
        {
            var key = keyframes[k];
            if (gop > 1 && Array.BinarySearch(pts, key) % gop != 0) continue;
            if (nearest is null || Math.Abs(key - ideal) < Math.Abs(nearest.Value - ideal)) nearest = key;
            if (preferred is not null && preferred.Contains(key) && (nearestScene is null || Math.Abs(key - ideal) < Math.Abs(nearestScene.Value - ideal)))
                nearestScene = key;
        }
        var target = nearestScene ?? nearest ?? ideal;
        var i = Array.BinarySearch(pts, target);
        if (i < 0) i = ~i; // first frame at or after the target
        // A keyframe found above is on the grid already.
        return gop > 1 && nearest is null ? OnGrid(pts, gop, startIndex, i, ideal) : Math.Max(i, startIndex + 1);
    }

    /// <summary>
    /// The multiple of <paramref name="gop"/> after the chunk's start whose frame lies nearest the ideal cut (the later
    /// one on a tie); it may lie past the last frame, which the callers read as "no cut".
    /// </summary>
    private static int OnGrid(long[] pts, int gop, int startIndex, int index, long ideal)
    {
        var firstAfterStart = (startIndex / gop + 1) * gop;
        var later = Math.Max(firstAfterStart, (index + gop - 1) / gop * gop);
        var earlier = later - gop;
        if (earlier < firstAfterStart) return later;
        if (later >= pts.Length) return earlier;
        return ideal - pts[earlier] < pts[later] - ideal ? earlier : later;
    }
}
