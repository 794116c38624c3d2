using Flock.Media.Probing;

namespace Flock.Media.Assembly;

/// <summary>
/// Which of a source's subtitle streams an output can hold. Matroska takes every kind as it is. MP4 and WebM take
/// text subtitles, converted to their own (mov_text, WebVTT); picture subtitles (a Blu-ray's PGS, a DVD's VobSub, DVB)
/// cannot be converted to text, and ffmpeg 5.1 writes none of them into MP4 either, so the join would fail after
/// every chunk had been encoded: they are left out, and the job says so at submit. Subtitle options the user gave
/// (`-c:s ...`) are theirs to answer for: every subtitle stream is then mapped as before.
/// </summary>
public static class SubtitleStreams
{
    private static readonly HashSet<string> Pictures = new(StringComparer.Ordinal)
    {
        "hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub", "dvb_teletext",
    };

    public static bool IsPicture(StreamInfo subtitle) => Pictures.Contains(subtitle.CodecName);

    /// <summary>Whether an output at <paramref name="outputPath"/> keeps this subtitle stream of the source.</summary>
    public static bool Fits(StreamInfo subtitle, string outputPath, bool asAsked) =>
        asAsked || OutputContainers.FromPath(outputPath) == OutputContainer.Matroska || !IsPicture(subtitle);

    public static int KeptCount(MediaInfo source, string outputPath, bool asAsked) =>
        source.Streams.Count(s => s.CodecType == "subtitle" && Fits(s, outputPath, asAsked));

    /// <summary>
    /// Why a job whose subtitle options (<paramref name="options"/>) send picture subtitles into MP4 or WebM cannot be
    /// done, said before any chunk is encoded rather than by the join after the last; null when it can.
    /// </summary>
    public static string? Refusal(MediaInfo source, string outputPath, IReadOnlyList<string> options)
    {
        if (options.Count == 0 || OutputContainers.FromPath(outputPath) == OutputContainer.Matroska) return null;
        var picture = source.Streams.FirstOrDefault(s => s.CodecType == "subtitle" && IsPicture(s));
        return picture is null ? null
            : $"the source's picture subtitles (stream {picture.Index}, {picture.CodecName}) cannot go into {OutputContainers.NameOf(outputPath)} as `{string.Join(' ', options)}` asks: "
              + "give no subtitle options (the output then leaves them out, with a warning) or write a .mkv";
    }

    /// <summary>One line per subtitle stream the output cannot keep, for the job's warnings.</summary>
    public static IEnumerable<string> Losses(MediaInfo source, string outputPath, bool asAsked) =>
        source.Streams.Where(s => s.CodecType == "subtitle" && !Fits(s, outputPath, asAsked))
            .Select(s => $"the source's picture subtitles (stream {s.Index}, {s.CodecName}{(s.Language is { } l ? $", {l}" : "")}) cannot be kept in {OutputContainers.NameOf(outputPath)}: the output leaves them out (a .mkv output keeps them)");
}
