using System.Text.RegularExpressions;

namespace Flock.Media.Options;

/// <summary>
/// ffmpeg's complaint about options as one line a user can read: without the `[libx264 @ 0x55...]` and `x264 [error]:`
/// prefixes (addresses mean nothing to them), preferring the line that names the option and value over the parser's
/// inner detail ("Undefined constant or missing '(' in 'abc'").
/// </summary>
public static partial class FfmpegErrorText
{
    public static string Summary(string standardError, int exitCode)
    {
        var lines = standardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => Prefixes().Replace(l, "").Trim().TrimEnd('.'))
            .Where(l => l.Length > 0)
            .ToList();
        return lines.FirstOrDefault(l => l.StartsWith("Error setting option", StringComparison.Ordinal))
            ?? lines.FirstOrDefault()
            ?? $"exit code {exitCode}";
    }

    // `[libx264 @ 0x5566167543c0] `, nested `[Eval @ 0x7fff...] `, and x264's own `x264 [error]: `.
    [GeneratedRegex(@"^(?:\[[^\]@]+ @ 0x[0-9a-fA-F]+\]\s*|[a-z0-9]+ \[(?:error|warning|info)\]:\s*)+")]
    private static partial Regex Prefixes();
}
