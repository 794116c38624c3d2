namespace Flock.Tests.Support;

/// <summary>
/// The careful single-machine encode that a distributed Flock encode must reproduce exactly:
/// <c>ffmpeg -y -i SRC -map 0 -map_metadata 0 -map_chapters 0 &lt;videoOptions&gt; -fps_mode passthrough
/// -enc_time_base -1 -c:a copy|libopus -c:s copy|mov_text [-movflags +faststart -movie_timescale TB] OUT</c>.
/// </summary>
public static class ReferenceEncode
{
    /// <summary>Video options used when none are given: fast libx264 at CRF 23.</summary>
    public static IReadOnlyList<string> DefaultVideoOptions { get; } = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23"];

    /// <summary>The full ffmpeg argument list (without the executable) of the reference encode.</summary>
    public static IReadOnlyList<string> BuildArguments(string source, string output, params string[] videoOptions)
    {
        var isMp4 = IsMp4Family(output);
        return
        [
            "-loglevel", "error",
            "-y",
            "-i", source,
            "-map", "0",
            "-map_metadata", "0",
            "-map_chapters", "0",
            .. videoOptions.Length > 0 ? videoOptions : DefaultVideoOptions,
            "-fps_mode", "passthrough",
            "-enc_time_base", "-1",
            // WebM cannot hold AAC: audio becomes Opus there, as Flock makes it.
            "-c:a", IsWebm(output) ? "libopus" : "copy",
            // MP4 cannot carry SubRip/ASS; text subtitles become mov_text there. Other containers copy.
            "-c:s", isMp4 ? "mov_text" : "copy",
            .. isMp4 ? new[] { "-movflags", "+faststart" } : [],
            output,
        ];
    }

    /// <summary>
    /// Runs the reference encode of <paramref name="source"/> into <paramref name="output"/> and returns <paramref name="output"/>.
    /// An MP4 gets the source video's time base as its movie timescale, as Flock writes it: by default the edit list
    /// of a video track that starts after the file does (MPEG-TS video starts after its audio) is in milliseconds, and
    /// ffmpeg shifts every frame of it by up to half a millisecond; the careful encode keeps the source's timestamps.
    /// </summary>
    public static async Task<string> EncodeAsync(string source, string output, params string[] videoOptions)
    {
        var arguments = BuildArguments(source, output, videoOptions).ToList();
        if (IsMp4Family(output) && await VideoTimeBaseDenominatorAsync(source).ConfigureAwait(false) is { } timescale)
            arguments.InsertRange(arguments.Count - 1, ["-movie_timescale", timescale]);
        await FfmpegTool.FfmpegAsync(arguments, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        return output;
    }

    private static async Task<string?> VideoTimeBaseDenominatorAsync(string source)
    {
        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=time_base", "-of", "csv=p=0", source]).ConfigureAwait(false);
        // MPEG-TS lists its streams twice (under their program too): the first line is the stream's.
        var timeBase = probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()?.Split('/') ?? [];
        return timeBase.Length == 2 && int.TryParse(timeBase[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d) && d > 0
            ? timeBase[1]
            : null;
    }

    private static bool IsWebm(string path) => Path.GetExtension(path).Equals(".webm", StringComparison.OrdinalIgnoreCase);

    private static bool IsMp4Family(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".mp4" or ".m4v" or ".mov";
}
