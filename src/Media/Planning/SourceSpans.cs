using Flock.Media.Probing;
using Flock.Messages.Chunks;

namespace Flock.Media.Planning;

/// <summary>Where in the source file a node's decode of a chunk reads: from the timeline's packet positions, a pure function.</summary>
public static class SourceSpans
{
    /// <summary>
    /// The bytes a decode of <paramref name="chunk"/> from <paramref name="entry"/> (a keyframe's pts; null: the file
    /// start) needs: from the entry keyframe's packet to the end of the last packet of a frame before the chunk's end.
    /// Frames decoded after the entry but shown before it (open GOP) and references shown after the chunk's end come
    /// earlier in the file than the chunk's last frame, so they are inside. Null without packet positions.
    /// </summary>
    /// <param name="framesAfter">frames past the chunk's end its decode reads too (for filters that look ahead).</param>
    public static SourceByteSpan? For(FrameTimeline timeline, PlannedChunk chunk, long? entry, int framesAfter = 0)
    {
        if (timeline.Bytes is not { } bytes || timeline.Pts.Length == 0 || bytes.Start.Length != timeline.Pts.Length) return null;
        var pts = timeline.Pts;
        var first = entry is { } e && !EntryPoints.IsFileStart(timeline, entry) ? IndexAtOrAfter(pts, e) : 0;
        var last = chunk.EndPts is { } end ? Math.Min(pts.Length, IndexAtOrAfter(pts, end) + framesAfter) : pts.Length;
        if (last <= first) return null;
        var mediaStart = bytes.Start.Min();
        var start = first == 0 ? mediaStart : bytes.Start[first];
        long stop = 0;
        for (var i = first; i < last; i++) stop = Math.Max(stop, bytes.End[i]);
        // A muxer may store a frame shown after the entry before the entry itself: the span then starts there.
        for (var i = first; i < last; i++) start = Math.Min(start, bytes.Start[i]);
        return new SourceByteSpan(mediaStart, start, stop);
    }

    private static int IndexAtOrAfter(long[] sorted, long value)
    {
        var i = Array.BinarySearch(sorted, value);
        return i >= 0 ? i : ~i;
    }
}
