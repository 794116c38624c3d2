namespace Flock.Media.Probing;

/// <summary>
/// Every frame of the main video stream, by presentation timestamp in the stream's time base, exactly as ffmpeg
/// hands them to an encoder, plus where the keyframes are. The plan and the final check are both made from it.
/// </summary>
public sealed record FrameTimeline(TimeBase TimeBase, long[] Pts, long[] KeyframePts)
{
    public int FrameCount => Pts.Length;
}
