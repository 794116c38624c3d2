namespace Flock.Tests.Support;

/// <summary>
/// The careful single-machine encode that a distributed Flock encode must reproduce exactly:
/// <c>ffmpeg -y -i SRC -map 0 -map_metadata 0 -map_chapters 0 &lt;videoOptions&gt; -fps_mode passthrough
/// -enc_time_base -1 -c:a copy|libopus -c:s copy|mov_text [-movflags +faststart] OUT</c>.
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

    /// <summary>Runs the reference encode of <paramref name="source"/> into <paramref name="output"/> and returns <paramref name="output"/>.</summary>
    public static async Task<string> EncodeAsync(string source, string output, params string[] videoOptions)
    {
        await FfmpegTool.FfmpegAsync(BuildArguments(source, output, videoOptions), TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        return output;
    }

    private static bool IsWebm(string path) => Path.GetExtension(path).Equals(".webm", StringComparison.OrdinalIgnoreCase);

    private static bool IsMp4Family(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".mp4" or ".m4v" or ".mov";
}
