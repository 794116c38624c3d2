namespace Flock.Messages.Security;

/// <summary>Secrets on disk (keys, tokens, certificates) readable by their owner only, from the moment they exist.</summary>
public static class OwnerOnlyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    public static void WriteAllBytes(string path, byte[] bytes)
    {
        CreateFolderOf(path);
        // Created 0600 rather than chmod-ed after writing, so the secret is never briefly world-readable; written
        // beside the file and renamed over it, so another process never reads it half-written.
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerReadWrite;
        try
        {
            using (var file = new FileStream(temp, options))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, OwnerReadWrite);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Holds <paramref name="path"/>.lock exclusively, across processes, until disposed: for a read-change-write of a
    /// file several processes share (two nodes on one machine pinning seeds at the same moment).
    /// </summary>
    public static IDisposable Lock(string path)
    {
        CreateFolderOf(path);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerReadWrite;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path + ".lock", options);
            }
            catch (IOException) when (attempt < 500)
            {
                Thread.Sleep(10);
            }
        }
    }

    private static void CreateFolderOf(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
    }

    public static void AppendLine(string path, string line)
    {
        using var held = Lock(path);
        var existing = File.Exists(path) ? File.ReadAllText(path) : "";
        if (existing.Length > 0 && !existing.EndsWith('\n')) existing += "\n";
        WriteAllText(path, existing + line + "\n");
    }
}
