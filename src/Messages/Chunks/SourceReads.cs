namespace Flock.Messages.Chunks;

/// <summary>
/// How far a range read of a chunk's source is answered, by the seed or by a node's relay from what it prefetched.
/// ffmpeg asks for open-ended ranges (`bytes=N-`) and drops the connection when it seeks or is done, so an uncut
/// answer pushes the rest of the file into the socket buffers at every seek: a job sent its nodes several times its
/// source. Cut short, ffmpeg (with `-reconnect`) asks again
/// from where the answer ended, so a cut costs a request, never a byte of the result. Pure.
/// </summary>
public static class SourceReads
{
    /// <summary>The shortest answer in the media: ffmpeg's own read buffer.</summary>
    public const long Window = 32 * 1024;

    /// <summary>
    /// The last byte (inclusive) to answer a read from <paramref name="start"/> up to <paramref name="requestedLast"/>
    /// (null: to the end). The container's header is answered whole. Between it and the chunk (the demuxer's
    /// stream-info reads, which it drops to seek) every answer is one <see cref="Window"/>. In the chunk and past it,
    /// an answer is as long as the reader has already read on from the region's start (at least a window), so a
    /// sequential read doubles its answers while a read dropped after a probe wastes little; past the chunk that covers
    /// the decoder's last few packets, and a trailing index (an MP4's moov, Matroska cues) is answered whole.
    /// </summary>
    public static long LastByte(long start, long? requestedLast, long length, SourceByteSpan span)
    {
        var last = Math.Min(requestedLast ?? long.MaxValue, length - 1);
        long cut;
        if (start < span.MediaStart) cut = span.MediaStart - 1;
        else if (start < span.Start) cut = Math.Min(span.Start - 1, start + Window - 1);
        else if (start < span.End) cut = Math.Min(span.End - 1, Grown(start, span.Start));
        else cut = Grown(start, span.End);
        return Math.Max(start, Math.Min(last, cut));
    }

    /// <summary>As above with the chunk's span; without one (a read of known bytes, such as a prefetch), the request as asked, within the file.</summary>
    public static long LastByteFor(long start, long? requestedLast, long length, SourceByteSpan? span) =>
        span is { } s ? LastByte(start, requestedLast, length, s) : Math.Min(requestedLast ?? long.MaxValue, length - 1);

    private static long Grown(long start, long regionStart) => start + Math.Max(Window, start - regionStart) - 1;
}
