using System.Globalization;
using Flock.Media.Probing;
using Flock.Media.Processes;

namespace Flock.Seed.Planning;

/// <summary>
/// What is checked of a source before it is split. Only what can be judged deterministically and without trusting
/// any keyframe as a place to start decoding: decoding from a seek point (let alone keyframes only, with references
/// missing) can report errors a decode from the file start does not, and not the same way every run (frame
/// threads), which refused valid files at random. A decode problem inside the file is found by the nodes, which
/// check their own decode, and the seed, which checks theirs.
/// </summary>
public static class SourceChecks
{
    /// <summary>
    /// A truncated file can still list packets: the packets of its last second are read and parsed (not decoded), so
    /// one cut off or missing shows as a corrupt packet or a NAL unit longer than what is left, and the job fails now
    /// with ffmpeg's reason instead of on some node later.
    /// </summary>
    public static async Task CheckEndAsync(string path, StreamInfo video, MediaInfo source, CancellationToken ct)
    {
        var from = Math.Max(0, source.DurationSeconds - 1);
        var r = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath,
            ["-nostdin", "-hide_banner", "-v", "error", "-xerror", "-ss", from.ToString("0.000", CultureInfo.InvariantCulture), "-i", path,
             "-map", $"0:{video.Index.ToString(CultureInfo.InvariantCulture)}", "-c", "copy", "-f", "null", "-"], ct).ConfigureAwait(false);
        if (!r.Succeeded) throw new MediaException($"input is damaged or truncated: {Reason(r.LastErrorLine, path)}", r.StandardErrorTail);
    }

    /// <summary>
    /// A source whose frames end well before the duration it declares (a file cut off after its header, such as a
    /// Matroska file that lost its end) is encoded as far as it goes, with this said; null when it is whole.
    /// A stream that really is shorter than the others (audio running on after the video) is said the same way.
    /// </summary>
    public static string? ShortfallWarning(FrameTimeline timeline, MediaInfo source, double formatStartSeconds)
    {
        if (timeline.FrameCount == 0 || !(source.DurationSeconds > 0)) return null;
        var tb = timeline.TimeBase;
        var frame = timeline.FrameCount > 1 ? tb.ToSeconds(timeline.Pts[^1] - timeline.Pts[0]) / (timeline.FrameCount - 1) : 0;
        var covered = tb.ToSeconds(timeline.Pts[^1]) - formatStartSeconds + frame;
        var declared = source.DurationSeconds;
        if (covered >= declared * 0.9 || declared - covered < 1) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"the source declares {declared:0.0}s but its video frames end at {covered:0.0}s ({100 * covered / declared:0}% of it, {timeline.FrameCount} frames): the file may be cut off; only what is there was encoded");
    }

    /// <summary>ffmpeg's own reason without the file name it starts with (the user named the file already).</summary>
    public static string Reason(string line, string path)
    {
        foreach (var prefix in new[] { path + ": ", Path.GetFileName(path) + ": " })
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return line[prefix.Length..];
        return line;
    }
}
