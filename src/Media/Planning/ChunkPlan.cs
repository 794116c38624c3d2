using Flock.Media.Probing;

namespace Flock.Media.Planning;

/// <summary>The whole split of a source's main video stream, in its time base.</summary>
public sealed record ChunkPlan(int StreamIndex, TimeBase TimeBase, double FormatStartSeconds, IReadOnlyList<PlannedChunk> Chunks)
{
    public int TotalFrames => Chunks.Sum(c => c.FrameCount);

    /// <summary>
    /// Where the node's ffmpeg seeks (relative to the file start, as `-ss` before `-i` is): the chunk's first frame plus
    /// half a tick, so float rounding can never land on the keyframe before the one wanted. ffmpeg then starts decoding
    /// at the keyframe at or before it and the trim keeps exactly the chunk's frames. Null for the first chunk.
    /// </summary>
    public double? SeekSecondsFor(PlannedChunk chunk) =>
        chunk.Index == 0 ? null : Math.Max(0, (chunk.StartPts + 0.5) * TimeBase.Numerator / TimeBase.Denominator - FormatStartSeconds);

    /// <summary>Where to seek so that ffmpeg starts decoding at the keyframe with this timestamp (half a tick past it, as above).</summary>
    public double SeekSecondsAt(long keyframePts) =>
        Math.Max(0, (keyframePts + 0.5) * TimeBase.Numerator / TimeBase.Denominator - FormatStartSeconds);

    /// <summary>How long a chunk lasts on the timeline (next chunk's first timestamp minus its own), as the concat demuxer needs it.</summary>
    public long? DurationTicks(PlannedChunk chunk) => chunk.EndPts is { } end ? end - chunk.StartPts : null;
}
