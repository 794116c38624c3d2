namespace Flock.Media.Assembly;

/// <summary>The output container follows the output file's extension.</summary>
public enum OutputContainer { Mp4, Matroska, WebM }

public static class OutputContainers
{
    public static OutputContainer FromPath(string path) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".mp4" or ".m4v" or ".mov" => OutputContainer.Mp4,
            ".mkv" => OutputContainer.Matroska,
            ".webm" => OutputContainer.WebM,
            var other => throw new Processes.MediaException(
                $"unsupported output extension '{(other.Length == 0 ? "(none)" : other)}': use .mp4, .mkv or .webm"),
        };

    /// <summary>The ffmpeg muxer an output at <paramref name="path"/> is written with (`-f`): .mov is QuickTime's, not MP4's.</summary>
    public static string MuxerFor(string path) => FromPath(path) switch
    {
        OutputContainer.Matroska => "matroska",
        OutputContainer.WebM => "webm",
        _ when IsQuickTime(path) => "mov",
        _ => "mp4",
    };

    /// <summary>The output's container as a user names it in a message: MP4, QuickTime (.mov), Matroska or WebM.</summary>
    public static string NameOf(string path) => FromPath(path) switch
    {
        OutputContainer.Matroska => "Matroska",
        OutputContainer.WebM => "WebM",
        _ when IsQuickTime(path) => "QuickTime (.mov)",
        _ => "MP4",
    };

    /// <summary>A .mov output: MP4 to Flock's join, but written by ffmpeg's QuickTime muxer, which holds less (no cover picture).</summary>
    public static bool IsQuickTime(string path) => Path.GetExtension(path).Equals(".mov", StringComparison.OrdinalIgnoreCase);
}
