using Flock.Media.Probing;

namespace Flock.Media.Planning;

/// <summary>
/// Where a node starts decoding for a chunk. A key-flagged frame is not always a clean place to start (a sync table
/// that lies, a recovery point whose references are missing, parameter sets sent earlier): decoding from it can give
/// concealed garbage with every timestamp right. Keyframes found to be bad entry points are skipped: the chunk is
/// decoded from the last keyframe before its first frame that is not known bad, ultimately from the file start, and
/// the frames before the chunk are dropped by the trim as usual. Pure functions of the timeline and the bad set.
/// </summary>
public static class EntryPoints
{
    /// <summary>The keyframe a decode of this chunk starts from while nothing is known bad; null: the file start.</summary>
    public static long? Natural(FrameTimeline timeline, PlannedChunk chunk) => For(timeline, chunk, EmptySet);

    /// <summary>
    /// The last keyframe at or before the chunk's first frame that is not in <paramref name="bad"/>; null: the file start.
    /// With <paramref name="frameBefore"/> (a filter that looks at the frame before), strictly before the first frame.
    /// </summary>
    public static long? For(FrameTimeline timeline, PlannedChunk chunk, IReadOnlySet<long> bad, bool frameBefore = false) =>
        chunk.Index == 0 ? null : LastUsable(timeline.KeyframePts, chunk.StartPts, inclusive: !frameBefore, bad);

    /// <summary>The next entry point before <paramref name="entry"/> that is not in <paramref name="bad"/>; null: the file start.</summary>
    public static long? Before(FrameTimeline timeline, long entry, IReadOnlySet<long> bad) =>
        LastUsable(timeline.KeyframePts, entry, inclusive: false, bad);

    /// <summary>Whether decoding from <paramref name="entry"/> is decoding from the file start: the one entry that is right by definition.</summary>
    public static bool IsFileStart(FrameTimeline timeline, long? entry) => entry is null || timeline.Pts.Length == 0 || entry.Value <= timeline.Pts[0];

    /// <summary>
    /// The seek for a chunk's decode given the bad entry points: just past the entry keyframe itself, null for the file
    /// start. Never the chunk's own start: only a demuxer with an index lands on the keyframe before a time; MPEG-TS and
    /// MPEG-PS bisect on timestamps and land on whatever packet comes last before it, and a decode begun there drops
    /// every frame up to the next keyframe. And with no keyframe known the decode is from the file start, as the seed's
    /// checks take it to be.
    /// </summary>
    public static double? SeekSeconds(ChunkPlan plan, FrameTimeline timeline, PlannedChunk chunk, IReadOnlySet<long> bad, bool frameBefore = false)
    {
        var entry = For(timeline, chunk, bad, frameBefore);
        return IsFileStart(timeline, entry) ? null : plan.SeekSecondsAt(entry!.Value);
    }

    private static readonly IReadOnlySet<long> EmptySet = new HashSet<long>();

    private static long? LastUsable(long[] keyframes, long at, bool inclusive, IReadOnlySet<long> bad)
    {
        var i = Array.BinarySearch(keyframes, at);
        i = i >= 0 ? (inclusive ? i : i - 1) : ~i - 1;
        for (; i >= 0; i--)
        {
            if (!bad.Contains(keyframes[i])) return keyframes[i];
        }
        return null;
    }
}
