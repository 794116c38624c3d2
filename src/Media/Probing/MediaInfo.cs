namespace Flock.Media.Probing;

/// <summary>What ffprobe says of a source: enough to plan, map every stream and check the result.</summary>
public sealed record MediaInfo(
    string FormatName,
    double StartSeconds,
    double DurationSeconds,
    IReadOnlyList<StreamInfo> Streams,
    int ChapterCount)
{
    /// <summary>The stream Flock encodes: the first video stream that is not a cover picture.</summary>
    public StreamInfo? MainVideo => Streams.FirstOrDefault(s => s.CodecType == "video" && !s.IsAttachedPicture);

    public int CountOf(string codecType) => Streams.Count(s => s.CodecType == codecType && !s.IsAttachedPicture);
}

public sealed record StreamInfo(
    int Index,
    string CodecType,
    string CodecName,
    TimeBase TimeBase,
    string? Language,
    bool IsAttachedPicture,
    int Width,
    int Height,
    string? PixelFormat)
{
    /// <summary>The stream's `filename` tag: what a Matroska attachment (a cover picture, a font) is called.</summary>
    public string? FileName { get; init; }

    /// <summary>The container's four-character code for the stream (`tmcd` for a QuickTime timecode track), when it has one.</summary>
    public string? CodecTag { get; init; }
}
