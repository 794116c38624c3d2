using System.Globalization;
using Flock.Media.Options;
using Flock.Media.Processes;

namespace Flock.Media.Encoding;

/// <summary>
/// x264 and x265 pick the level they write into their parameter sets from the bitrate they are asked for (x264: level
/// 1.3 at 300k, 2.0 at 700k on the same picture). Chunks of a bitrate-target job are asked for different rates, but
/// the output carries one set of parameters (chunk 0's, in the container's header) for all of them: so the seed pins
/// the level every chunk is encoded at, the one the encoder picks for the highest rate a chunk may be asked for.
/// </summary>
public static class RateLevel
{
    /// <summary>A chunk's ask never goes above this many times the file's target (2x its complexity share, shares up to about 2x).</summary>
    public const int CeilingOverTarget = 4;

    /// <summary>The options with a level pinned, or unchanged when they aim at no bitrate, already name a level, or the encoder is not x264/x265.</summary>
    public static async Task<EncoderOptions> PinAsync(EncoderOptions options, string inputPath, int streamIndex, CancellationToken ct)
    {
        if (VideoBitrate.TargetOf(options.Video) is not { } target || !NeedsPin(options)) return options;
        var ceiling = VideoBitrate.MaxRateOf(options.Video) ?? target * CeilingOverTarget;
        var probe = Path.Combine(Path.GetTempPath(), $"flock-level-{Guid.NewGuid():N}.mkv");
        try
        {
            // The encoder decides from the real picture size, frame rate, references and profile: two frames of the
            // source through the user's own options (and filter) at the ceiling rate.
            string[] filter = options.VideoFilter is { } vf ? ["-vf", vf] : [];
            var run = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath,
                ["-v", "error", "-nostdin", "-i", inputPath, "-map", $"0:{streamIndex.ToString(CultureInfo.InvariantCulture)}", "-frames:v", "2", .. filter,
                 .. VideoBitrate.WithTarget(TwoPass.Without(options.Video), ceiling), "-an", "-f", "matroska", probe], ct).ConfigureAwait(false);
            if (!run.Succeeded) return options; // the chunks meet the same error and report it
            var level = await Ffmpeg.ProbeCheckedAsync(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=level", "-of", "csv=p=0", probe], ct)
                .ConfigureAwait(false);
            // A stream with side data (HDR10 metadata from the source's container) prints ",side_data," after the level.
            var first = level.StandardOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Split(',')[0] ?? "";
            if (!int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var idc) || idc <= 0) return options;
            return options with { Video = Pinned(options, idc) };
        }
        finally
        {
            if (File.Exists(probe)) File.Delete(probe);
        }
    }

    private static bool NeedsPin(EncoderOptions options) => options.VideoEncoder switch
    {
        "libx264" => EncoderParams.IndexOf(options.Video, "-level") < 0 && !EncoderParams.Names(options.Video, "-x264-params").Contains("level"),
        "libx265" => !EncoderParams.Names(options.Video, "-x265-params").Overlaps(["level-idc", "level"]),
        _ => false,
    };

    /// <summary>ffprobe gives H.264's level_idc (31 for 3.1) and HEVC's general_level_idc (level x 30: 93 for 3.1).</summary>
    private static List<string> Pinned(EncoderOptions options, int idc)
    {
        var video = options.Video.ToList();
        if (options.VideoEncoder == "libx264")
        {
            video.AddRange(["-level", (idc / 10.0).ToString("0.0", CultureInfo.InvariantCulture)]);
            return video;
        }
        var param = $"level-idc={(idc / 30.0).ToString("0.0", CultureInfo.InvariantCulture)}";
        EncoderParams.Append(video, "-x265-params", [param]);
        return video;
    }
}
