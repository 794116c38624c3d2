namespace Flock.Media.Processes;

/// <summary>Locates ffmpeg and ffprobe (FLOCK_FFMPEG / FLOCK_FFPROBE override PATH lookup).</summary>
public static class Ffmpeg
{
    public static string FfmpegPath => Environment.GetEnvironmentVariable("FLOCK_FFMPEG") ?? "ffmpeg";

    public static string FfprobePath => Environment.GetEnvironmentVariable("FLOCK_FFPROBE") ?? "ffprobe";

    /// <summary>Runs ffmpeg and throws <see cref="MediaException"/> with ffmpeg's own last error line on failure.</summary>
    public static async Task<ProcessResult> RunCheckedAsync(IEnumerable<string> args, CancellationToken ct, Action<string>? onStdoutLine = null)
    {
        var result = await ProcessRunner.RunAsync(FfmpegPath, args, ct, onStdoutLine).ConfigureAwait(false);
        if (!result.Succeeded) throw new MediaException($"ffmpeg failed: {Reason(result)}", result.StandardErrorTail);
        return result;
    }

    /// <summary>
    /// ffmpeg's last line, unless it is `Error initializing output stream 0:1 --` with its reason left empty because a
    /// muxer or encoder said it on an earlier line: then that line too.
    /// </summary>
    private static string Reason(ProcessResult result)
    {
        var last = result.LastErrorLine;
        return last.EndsWith("--", StringComparison.Ordinal)
            ? $"{last[..^2].TrimEnd()}: {Options.FfmpegErrorText.Summary(result.StandardErrorTail, result.ExitCode)}"
            : last;
    }

    public static async Task<ProcessResult> ProbeCheckedAsync(IEnumerable<string> args, CancellationToken ct, Action<string>? onStdoutLine = null, bool captureStdout = true)
    {
        var result = await ProcessRunner.RunAsync(FfprobePath, args, ct, onStdoutLine, captureStdout).ConfigureAwait(false);
        if (!result.Succeeded) throw new MediaException($"ffprobe failed: {result.LastErrorLine}", result.StandardErrorTail);
        return result;
    }

    private static readonly Lock ToolsGate = new();
    private static Task<(string Version, IReadOnlyList<string> Encoders)>? _tools;

    /// <summary>
    /// ffmpeg's version and video encoders, asked once per process: every local node of `flock encode` needs them at
    /// start, each answer costs an ffmpeg start, and ffmpeg does not change under a running process. A failed ask is
    /// not kept, so a later caller tries again.
    /// </summary>
    public static Task<(string Version, IReadOnlyList<string> Encoders)> ToolsAsync()
    {
        lock (ToolsGate)
        {
            if (_tools is null || _tools.IsFaulted || _tools.IsCanceled)
                _tools = AskToolsAsync();
            return _tools;
        }

        static async Task<(string, IReadOnlyList<string>)> AskToolsAsync()
        {
            // Asked together: both are one ffmpeg start of about 0.1 s, and a node can do nothing before them.
            var version = VersionAsync(CancellationToken.None);
            var encoders = VideoEncodersAsync(CancellationToken.None);
            return (await version.ConfigureAwait(false), await encoders.ConfigureAwait(false));
        }
    }

    /// <summary>ffmpeg's version string ("5.1.9-0+deb12u1"), reported by nodes on join.</summary>
    public static async Task<string> VersionAsync(CancellationToken ct)
    {
        var r = await ProcessRunner.RunAsync(FfmpegPath, ["-hide_banner", "-version"], ct).ConfigureAwait(false);
        var first = r.StandardOutput.Split('\n').FirstOrDefault() ?? "";
        var parts = first.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 ? parts[2] : first.Trim();
    }

    /// <summary>The video encoders this ffmpeg has (libx264, libx265, libsvtav1, ...).</summary>
    public static async Task<IReadOnlyList<string>> VideoEncodersAsync(CancellationToken ct)
    {
        var r = await ProcessRunner.RunAsync(FfmpegPath, ["-hide_banner", "-encoders"], ct).ConfigureAwait(false);
        var list = new List<string>();
        var started = false;
        foreach (var raw in r.StandardOutput.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("------", StringComparison.Ordinal)) { started = true; continue; }
            if (!started || line.Length < 8) continue;
            var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0].StartsWith('V')) list.Add(parts[1]);
        }
        return list;
    }
}
