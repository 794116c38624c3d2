using System.Runtime.InteropServices;

namespace Flock.Messages.Security;

/// <summary>
/// The operating system's own words for a failed file operation ("read-only file system", "permission denied"), so a
/// line can name the real cause instead of .NET's message with the path folded in.
/// </summary>
public static class OsError
{
    /// <param name="path">The path the operation was on: .NET reports ENOTDIR as a missing folder, the path tells them apart.</param>
    public static string Reason(Exception e, string? path = null)
    {
        if (e is DirectoryNotFoundException && path is not null && FileAmongAncestors(path)) return "not a directory";
        // On Unix an IOException made from errno carries the errno as its HResult; access errors wrap that IOException.
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is IOException && x.HResult is > 0 and < 4096)
                return Lower(Marshal.GetPInvokeErrorMessage(x.HResult));
        }
        return e switch
        {
            UnauthorizedAccessException => "permission denied",
            DirectoryNotFoundException or FileNotFoundException => "no such file or directory",
            _ => Lower(e.Message),
        };
    }

    private static bool FileAmongAncestors(string path)
    {
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(path)); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(dir)) return true;
            if (Directory.Exists(dir)) return false;
        }
        return false;
    }

    private static string Lower(string text) => text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
}
