namespace Flock.Media.Options;

/// <summary>
/// Two-pass encoding in Flock's words: the user gives <c>-pass 2</c> with a bitrate target, and each chunk's node runs
/// the first pass over that chunk and then the second, with statistics in its own work directory (the user never
/// names a stats file: <c>-passlogfile</c> and the encoders' <c>stats=</c> stay refused).
/// </summary>
public static class TwoPass
{
    /// <summary>Encoders whose ffmpeg wrapper takes -pass/-passlogfile (x265, SVT-AV1 and rav1e keep stats by their own parameters, which name files).</summary>
    public static readonly IReadOnlySet<string> Encoders = new HashSet<string>(StringComparer.Ordinal) { "libx264", "libvpx-vp9", "libvpx", "libaom-av1" };

    public static bool IsRequested(IReadOnlyList<string> video) => IndexOf(video) >= 0;

    /// <summary>The options without the pass request: what a one-off try of the options (a frame at submit, a level probe) runs.</summary>
    public static IReadOnlyList<string> Without(IReadOnlyList<string> video)
    {
        var at = IndexOf(video);
        if (at < 0) return video;
        var list = video.ToList();
        list.RemoveRange(at, 2);
        return list;
    }

    /// <summary>The options for pass <paramref name="pass"/> (1 or 2) with statistics under <paramref name="logPrefix"/>.</summary>
    public static IReadOnlyList<string> ForPass(IReadOnlyList<string> video, int pass, string logPrefix) =>
        [.. Without(video), "-pass", pass.ToString(System.Globalization.CultureInfo.InvariantCulture), "-passlogfile", logPrefix];

    private static int IndexOf(IReadOnlyList<string> video)
    {
        for (var i = 0; i + 1 < video.Count; i += 2)
            if (video[i] is "-pass" or "-pass:v") return i;
        return -1;
    }
}
