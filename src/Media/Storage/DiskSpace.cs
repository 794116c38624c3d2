using System.Globalization;

namespace Flock.Media.Storage;

/// <summary>Free space on the filesystem holding a path (a mount point inside the data dir counts as its own disk).</summary>
public static class DiskSpace
{
    public static long? FreeBytes(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            // The longest mount point that contains the path is the filesystem it lives on.
            var drive = DriveInfo.GetDrives()
                .Where(d => full.StartsWith(d.RootDirectory.FullName.TrimEnd('/') + "/", StringComparison.Ordinal) || full == d.RootDirectory.FullName.TrimEnd('/'))
                .MaxBy(d => d.RootDirectory.FullName.Length);
            return drive?.AvailableFreeSpace;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string Format(long bytes) =>
        bytes >= 1L << 30 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB")
        : bytes >= 1L << 20 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0} KiB");
}
