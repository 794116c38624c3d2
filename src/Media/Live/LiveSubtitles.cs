using System.Globalization;
using System.Text;
using Flock.Media.Probing;
using Flock.Media.Processes;

namespace Flock.Media.Live;

/// <summary>
/// A live job's subtitles: the source's first text subtitle track as one WebVTT file, published whole as soon as the
/// job is (the source is complete, so every cue is known; a player shows each at its time), in a subtitles media
/// playlist that the master playlist names as an EXT-X-MEDIA TYPE=SUBTITLES rendition.
/// </summary>
public sealed record LiveSubtitles(string Name, string? Language, double Seconds)
{
    public const string PlaylistName = "subtitles.m3u8";
    public const string FileName = "subtitles.vtt";
    public const string GroupId = "subs";

    /// <summary>Codecs ffmpeg turns into WebVTT text; bitmap subtitles (PGS, DVD) cannot be.</summary>
    private static readonly HashSet<string> TextCodecs = ["subrip", "srt", "mov_text", "ass", "ssa", "webvtt", "text"];

    /// <summary>
    /// Writes <see cref="FileName"/> and <see cref="PlaylistName"/> into <paramref name="liveDirectory"/> when the source
    /// has a text subtitle track; null when it has none. The cues are on the output's timeline (ffmpeg shifts them by
    /// the source's start, as the assembler's run does).
    /// </summary>
    public static async Task<LiveSubtitles?> PrepareAsync(string sourcePath, MediaInfo source, string liveDirectory, CancellationToken ct)
    {
        if (source.Streams.FirstOrDefault(s => s.CodecType == "subtitle" && TextCodecs.Contains(s.CodecName)) is not { } track) return null;
        var partial = Path.Combine(liveDirectory, FileName + ".partial");
        await Ffmpeg.RunCheckedAsync(
            ["-nostdin", "-hide_banner", "-v", "error", "-y", "-i", sourcePath, "-map", $"0:{track.Index}", "-c:s", "webvtt", "-f", "webvtt", partial], ct)
            .ConfigureAwait(false);
        File.Move(partial, Path.Combine(liveDirectory, FileName), overwrite: true);
        var subtitles = new LiveSubtitles(track.Language ?? "subtitles", track.Language, Math.Max(source.DurationSeconds, 0.001));
        var playlist = Path.Combine(liveDirectory, PlaylistName);
        await File.WriteAllTextAsync(playlist + ".tmp", subtitles.RenderPlaylist(), ct).ConfigureAwait(false);
        File.Move(playlist + ".tmp", playlist, overwrite: true);
        return subtitles;
    }

    /// <summary>One segment, the whole track: its cues are all known and it never grows.</summary>
    public string RenderPlaylist()
    {
        var seconds = Seconds.ToString("0.000000", CultureInfo.InvariantCulture);
        return "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:" + ((long)Math.Ceiling(Seconds)).ToString(CultureInfo.InvariantCulture)
            + "\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:" + seconds + ",\n" + FileName + "\n#EXT-X-ENDLIST\n";
    }

    /// <summary>The master playlist: the video (with its muxed audio) as the one variant, these subtitles as its rendition.</summary>
    public string RenderMaster(string videoPlaylist)
    {
        var sb = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        sb.Append("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"").Append(GroupId).Append("\",NAME=\"").Append(Quoted(Name)).Append('"');
        if (Language is { Length: > 0 } language) sb.Append(",LANGUAGE=\"").Append(Quoted(language)).Append('"');
        sb.Append(",DEFAULT=YES,AUTOSELECT=YES,URI=\"").Append(PlaylistName).Append("\"\n");
        // BANDWIDTH is required; the encode's bitrate is not known before it ends, and players only use it to choose between variants.
        sb.Append("#EXT-X-STREAM-INF:BANDWIDTH=1000000,SUBTITLES=\"").Append(GroupId).Append("\"\n").Append(videoPlaylist).Append('\n');
        return sb.ToString();
    }

    private static string Quoted(string text) => text.Replace("\"", "'", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
