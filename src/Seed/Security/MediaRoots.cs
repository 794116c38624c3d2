using System.Runtime.InteropServices;

namespace Flock.Seed.Security;

/// <summary>
/// Where files named by path (rather than uploaded) may be read and written: only under the configured media roots,
/// compared as real paths, so neither `..` nor a symlink leads outside them.
/// </summary>
public sealed class MediaRoots
{
    private readonly IReadOnlyList<string> _roots;

    public MediaRoots(IEnumerable<string> roots) =>
        _roots = roots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => RealPath(r) is { } real ? WithSlash(real) : null).OfType<string>().ToArray();

    public bool Any => _roots.Count > 0;

    /// <returns>the input's real path, or the reason it may not be read.</returns>
    public (string? Path, string? Error) Input(string path)
    {
        if (Refusal(path) is { } refused) return (null, refused);
        var real = RealPath(path);
        if (real is null || !File.Exists(real)) return (null, $"input not found: {path}");
        return Inside(real) ? (real, null) : (null, $"input {path} is outside flock.seed.media-roots");
    }

    /// <returns>the output's path with its directory resolved, or the reason it may not be written.</returns>
    public (string? Path, string? Error) Output(string path)
    {
        if (Refusal(path) is { } refused) return (null, refused);
        var name = System.IO.Path.GetFileName(path);
        var directory = RealPath(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? "/");
        if (directory is null || name.Length == 0) return (null, $"output directory not found: {path}");
        var full = System.IO.Path.Combine(directory, name);
        if (!Inside(full)) return (null, $"output {path} is outside flock.seed.media-roots");
        // An existing symlink would be followed when the output is written: refuse rather than write through it.
        if (new FileInfo(full).LinkTarget is not null) return (null, $"output {path} is a symbolic link");
        return (full, null);
    }

    private string? Refusal(string path)
    {
        if (!Any) return "naming files on the seed is off: set flock.seed.media-roots, or upload the input (pbm does)";
        if (path.Length > 4096 || path.Contains('\0', StringComparison.Ordinal)) return "bad path";
        if (!System.IO.Path.IsPathFullyQualified(path)) return $"path {path} must be absolute";
        return path.Split('/').Contains("..") ? $"path {path} must not contain .. segments" : null;
    }

    private bool Inside(string real) => _roots.Any(root => real.StartsWith(root, StringComparison.Ordinal));

    private static string WithSlash(string path) => path.EndsWith('/') ? path : path + "/";

    /// <summary>The C library's realpath: every symlink and `..` resolved, or null when the path does not exist.</summary>
    public static string? RealPath(string path)
    {
        var resolved = RealPathNative(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return null;
        try { return Marshal.PtrToStringUTF8(resolved); }
        finally { Free(resolved); }
    }

    [DllImport("libc", EntryPoint = "realpath")]
    private static extern IntPtr RealPathNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);
}
