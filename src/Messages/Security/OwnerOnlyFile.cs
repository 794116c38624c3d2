namespace Flock.Messages.Security;

/// <summary>Secrets on disk (keys, tokens, certificates) readable by their owner only, from the moment they exist.</summary>
public static class OwnerOnlyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    public static void WriteAllBytes(string path, byte[] bytes)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        // Created 0600 rather than chmod-ed after writing, so the secret is never briefly world-readable.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerReadWrite;
        using (var file = new FileStream(path, options)) file.Write(bytes);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, OwnerReadWrite);
    }

    public static void AppendLine(string path, string line)
    {
        var existing = File.Exists(path) ? File.ReadAllText(path) : "";
        if (existing.Length > 0 && !existing.EndsWith('\n')) existing += "\n";
        WriteAllText(path, existing + line + "\n");
    }
}
