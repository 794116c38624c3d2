namespace Flock.Media.Probing;

/// <summary>
/// Every frame of the main video stream, by presentation timestamp in the stream's time base, exactly as ffmpeg
/// hands them to an encoder, plus where the keyframes are. The plan and the final check are both made from it.
/// </summary>
public sealed record FrameTimeline(TimeBase TimeBase, long[] Pts, long[] KeyframePts)
{
    public int FrameCount => Pts.Length;

    /// <summary>Where each frame's packet lies in the source file (null when the timeline was not read from packets).</summary>
    public PacketBytes? Bytes { get; init; }
}

/// <summary>
/// The byte range of each frame's packet in the source file, aligned with <see cref="FrameTimeline.Pts"/> (so in
/// presentation order, not file order): what lets the seed bound a chunk's reads to the bytes its frames occupy.
/// </summary>
public sealed record PacketBytes(long[] Start, long[] End);
