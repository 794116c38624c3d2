using Flock.Media.Probing;

namespace Flock.Media.Planning;

/// <summary>The whole split of a source's main video stream, in its time base.</summary>
public sealed record ChunkPlan(int StreamIndex, TimeBase TimeBase, double FormatStartSeconds, IReadOnlyList<PlannedChunk> Chunks)
{
    public int TotalFrames => Chunks.Sum(c => c.FrameCount);

    /// <summary>
    /// Where a node's ffmpeg seeks (relative to the file start, as `-ss` before `-i` is) to start decoding at the keyframe
    /// with this timestamp: half a tick past it, so float rounding can never land on the packet before it, nor a whole
    /// tick late on the one after. The trim then keeps exactly the chunk's frames.
    /// </summary>
    public double SeekSecondsAt(long keyframePts) =>
        Math.Max(0, (keyframePts + 0.5) * TimeBase.Numerator / TimeBase.Denominator - FormatStartSeconds);

    /// <summary>How long a chunk lasts on the timeline (next chunk's first timestamp minus its own), as the concat demuxer needs it.</summary>
    public long? DurationTicks(PlannedChunk chunk) => chunk.EndPts is { } end ? end - chunk.StartPts : null;
}
