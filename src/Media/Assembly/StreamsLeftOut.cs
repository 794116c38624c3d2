using Flock.Media.Probing;

namespace Flock.Media.Assembly;

/// <summary>
/// The source's streams an output will not have, each said once at submit rather than found missing afterwards: video
/// streams besides the one encoded, data streams (a camera's telemetry; a QuickTime timecode track is written again
/// from the video's timecode, so it is not lost), attachments outside Matroska, picture subtitles outside Matroska
/// (<see cref="SubtitleStreams"/>), and cover pictures the container cannot hold (<see cref="CoverPictures"/>).
/// </summary>
public static class StreamsLeftOut
{
    /// <param name="subtitlesAsAsked">the user gave subtitle options: every subtitle stream is mapped as they asked.</param>
    public static IReadOnlyList<string> Warnings(MediaInfo source, string outputPath, bool subtitlesAsAsked = false)
    {
        var warnings = new List<string>();
        var main = source.MainVideo;
        foreach (var s in source.Streams.Where(s => s.CodecType == "video" && !s.IsAttachedPicture && s.Index != main?.Index))
            warnings.Add($"the source's video stream {s.Index} ({s.CodecName} {s.Width}x{s.Height}) is left out: a job encodes one video stream, stream {main?.Index}");
        foreach (var s in source.Streams.Where(s => s.CodecType == "data" && s.CodecTag != "tmcd"))
            warnings.Add($"the source's data stream {s.Index} ({Describe(s)}) is left out: the output keeps audio, subtitles, chapters and metadata");
        if (OutputContainers.FromPath(outputPath) != OutputContainer.Matroska)
            foreach (var s in source.Streams.Where(s => s.CodecType == "attachment"))
                warnings.Add($"the source's attachment {s.Index} ({s.FileName ?? s.CodecName}) is left out: only a Matroska (.mkv) output holds attachments");
        warnings.AddRange(SubtitleStreams.Losses(source, outputPath, subtitlesAsAsked));
        warnings.AddRange(CoverPictures.Losses(source, outputPath));
        return warnings;
    }

    private static string Describe(StreamInfo s) =>
        s.CodecTag is { Length: > 0 } tag && !tag.StartsWith('[') ? tag : s.CodecName;
}
