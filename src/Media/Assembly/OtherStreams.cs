using Flock.Media.Processes;
using Flock.Media.Probing;

namespace Flock.Media.Assembly;

/// <summary>
/// The streams a joined output takes from its source besides the encoded video (audio, subtitles, attachments),
/// copied into a file of their own while the chunks encode. Matroska is read front to back whatever is taken from it,
/// so joining from the source reads all of it once more after the last chunk (for a remux of tens of GB, minutes
/// of tail); joining from this copy reads only these streams. MP4's demuxer reads just the tracks asked for, and other
/// containers keep finer timestamps than a Matroska copy could hold, so only Matroska and WebM sources get one, and
/// only when every such stream keeps Matroska's millisecond time base: the copy then holds the source's very packets
/// and timestamps.
/// </summary>
public static class OtherStreams
{
    /// <summary>The source's streams the join takes besides its video, in source order; the copy holds exactly these.</summary>
    public static IReadOnlyList<StreamInfo> Of(MediaInfo source) =>
        source.Streams.Where(s => s.Index != source.MainVideo?.Index && s.CodecType is "audio" or "subtitle" or "attachment").ToList();

    public static bool WorthCopying(MediaInfo source)
    {
        var formats = source.FormatName.Split(',');
        var streams = Of(source);
        return (formats.Contains("matroska") || formats.Contains("webm"))
            && streams.Any(s => s.CodecType != "attachment")
            && streams.All(s => s.CodecType == "attachment" || s.TimeBase == new TimeBase(1, 1000));
    }

    /// <summary>Copies <see cref="Of"/> the source into <paramref name="path"/> (Matroska), which exists only once complete.</summary>
    public static async Task CopyAsync(string sourcePath, MediaInfo source, string path, CancellationToken ct)
    {
        var args = new List<string> { "-nostdin", "-hide_banner", "-v", "error", "-y", "-protocol_whitelist", "file", "-i", sourcePath };
        foreach (var s in Of(source)) args.AddRange(["-map", $"0:{s.Index}"]);
        // Default and forced flags exactly as in the source (the muxer would otherwise mark a first track default).
        args.AddRange(["-c", "copy", "-default_mode", "passthrough", "-f", "matroska"]);
        var partial = path + ".partial";
        args.Add(partial);
        try
        {
            await Ffmpeg.RunCheckedAsync(args, ct).ConfigureAwait(false);
            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }
}
