using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Flock.Media.Live;

/// <summary>
/// A job's HLS media playlist as a value: the segments of the chunks published so far, in order, and whether the job
/// has completed. An EVENT playlist only ever grows, so players that started at the beginning keep their place.
/// </summary>
public sealed record LivePlaylist(ImmutableList<LiveSegment> Segments, int PublishedChunks, bool Ended)
{
    public const string FileName = "index.m3u8";

    /// <summary>Where the media playlist goes when <see cref="FileName"/> is a master playlist (a job with subtitles).</summary>
    public const string VideoFileName = "video.m3u8";

    /// <summary>The init segment every media segment refers to (the first chunk's: chunks share encoder settings, so their sample entries match).</summary>
    public const string InitFileName = "init.mp4";

    public static LivePlaylist Empty { get; } = new([], 0, false);

    public LivePlaylist Append(IEnumerable<LiveSegment> segments) =>
        this with { Segments = Segments.AddRange(segments), PublishedChunks = PublishedChunks + 1 };

    public LivePlaylist End() => this with { Ended = true };

    public string Render()
    {
        // The target duration may not shrink or grow under a player's feet: a chunk is at most one segment longer
        // than the longest so far, so the longest so far rounded up is what is known; it only grows when a chunk's
        // keyframes are sparser than every earlier chunk's.
        var target = Segments.Count == 0 ? 1 : (int)Math.Ceiling(Segments.Max(s => s.Seconds) - 1e-6);
        var sb = new StringBuilder();
        sb.Append("#EXTM3U\n#EXT-X-VERSION:7\n");
        sb.Append("#EXT-X-TARGETDURATION:").Append(Math.Max(1, target).ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        if (Segments.Count > 0) sb.Append("#EXT-X-MAP:URI=\"").Append(InitFileName).Append("\"\n");
        foreach (var s in Segments)
            sb.Append("#EXTINF:").Append(s.Seconds.ToString("0.000000", CultureInfo.InvariantCulture)).Append(",\n").Append(s.FileName).Append('\n');
        if (Ended) sb.Append("#EXT-X-ENDLIST\n");
        return sb.ToString();
    }

    /// <summary>The playlist text with <paramref name="query"/> (e.g. "?token=...") after every URI in it, for players that cannot send headers.</summary>
    public static string WithQuery(string playlist, string query)
    {
        var sb = new StringBuilder();
        foreach (var line in playlist.Split('\n'))
        {
            if (line.Length == 0) continue;
            var uri = line.IndexOf("URI=\"", StringComparison.Ordinal);
            if (line.StartsWith('#') && uri >= 0 && line.IndexOf('"', uri + 5) is var end and > 0) sb.Append(line[..end]).Append(query).Append(line[end..]);
            else if (!line.StartsWith('#')) sb.Append(line).Append(query);
            else sb.Append(line);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Whether <paramref name="name"/> is a file a live folder serves: the playlists, the init segment, a media segment or the subtitles (nothing else, no paths).</summary>
    public static bool IsServedName(string name) =>
        name is FileName or InitFileName or VideoFileName or LiveSubtitles.PlaylistName or LiveSubtitles.FileName
        || (name.Length == SegmentNameLength && name.StartsWith('s') && name.EndsWith(".m4s", StringComparison.Ordinal) && name[1..^4].All(char.IsAsciiDigit));

    /// <summary>s + 8 digits + .m4s.</summary>
    private const int SegmentNameLength = 13;

    public static string SegmentName(int number) => $"s{number:D8}.m4s";
}
