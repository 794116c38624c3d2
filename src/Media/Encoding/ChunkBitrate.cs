using System.Globalization;
using Flock.Media.Options;
using Flock.Media.Probing;
using Flock.Media.Processes;

namespace Flock.Media.Encoding;

/// <summary>
/// What an encoded chunk's video came to, in bits per second, and the rate to ask for when it missed: a node holds
/// a chunk with a bitrate target to within <see cref="Tolerance"/> of what the seed asked, so the file's total holds.
/// </summary>
public static class ChunkBitrate
{
    /// <summary>A chunk further off than this from its asked rate is encoded once more.</summary>
    public const double Tolerance = 0.02;

    /// <summary>Bits per second of the first video stream's packets, over the chunk's span (first frame to last plus one frame).</summary>
    public static async Task<double> MeasureAsync(string path, CancellationToken ct)
    {
        var (pts, timeBase, bytes, _) = await ChunkPackets.ReadChunkAsync(path, crossCheck: false, log: null, ct).ConfigureAwait(false);
        if (pts.Length == 0) throw new MediaException($"not a video: {Path.GetFileName(path)} has no video packets");
        var frame = pts.Length > 1 ? pts.Zip(pts.Skip(1), (a, b) => b - a).Order().ElementAt((pts.Length - 1) / 2) : 1;
        var seconds = timeBase.ToSeconds(pts[^1] - pts[0] + Math.Max(1, frame));
        return bytes * 8 / seconds;
    }

    /// <summary>
    /// The rate to ask for next when <paramref name="asked"/> gave <paramref name="achieved"/>, or null when it is
    /// close enough. Rate control lands roughly in proportion to what it is asked, so one correction usually does.
    /// </summary>
    public static long? Correction(long asked, double achieved)
    {
        if (achieved <= 0 || Math.Abs(achieved / asked - 1) <= Tolerance) return null;
        return (long)Math.Round(asked * Math.Clamp(asked / achieved, 0.5, 2.0));
    }

    public static string Kbps(double bitsPerSecond) => (bitsPerSecond / 1000).ToString("0", CultureInfo.InvariantCulture);

    /// <summary>The video options of an assignment with the bitrate target replaced.</summary>
    public static IReadOnlyList<string> Ask(IReadOnlyList<string> videoOptions, long bitsPerSecond) => VideoBitrate.WithTarget(videoOptions, bitsPerSecond);
}
