using System.Diagnostics;

namespace Flock.Seed.Cluster;

/// <summary>
/// Seed members started at once on one shared dir would each find no other member answering and form a cluster of
/// its own: two coordinators on one journal. A member holds this file (in the shared dir's `seed-members`) while it
/// starts, from reading or creating the shared keys to recording its own address; the next one waits for it, then
/// finds it recorded and joins it.
/// </summary>
/// <remarks>
/// Created with CreateNew, which NFS (v3 and later) makes exclusive. A holder that died leaves the file: it is taken
/// over once its process is gone (same machine) or the file is older than <see cref="StaleAfter"/>.
/// </remarks>
public sealed class SeedStartLock : IDisposable
{
    public const string FileName = ".starting";

    /// <summary>Far longer than a seed member takes to start; a file this old was left by one that died.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);

    private readonly string _path;
    private readonly FileStream _file;

    private SeedStartLock(string path, FileStream file) => (_path, _file) = (path, file);

    /// <param name="say">hears once that this member waits, and for whom.</param>
    public static async Task<SeedStartLock> AcquireAsync(string sharedDir, Action<string>? say, CancellationToken ct)
    {
        var directory = Path.Combine(sharedDir, SeedMemberRegistry.DirectoryName);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var waited = false;
        while (true)
        {
            try
            {
                var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                var holder = $"{Environment.MachineName} {Environment.ProcessId}\n";
                file.Write(System.Text.Encoding.UTF8.GetBytes(holder));
                file.Flush(flushToDisk: true);
                return new SeedStartLock(path, file);
            }
            catch (IOException) when (File.Exists(path))
            {
                var holder = Holder(path);
                if (IsStale(path, holder))
                {
                    say?.Invoke($"taking over {path}, left by a seed member that did not finish starting ({holder})");
                    try { File.Delete(path); }
                    catch (IOException) { }
                    continue;
                }
                if (!waited) say?.Invoke($"another seed member is starting ({holder}): waiting for it, to join it");
                waited = true;
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
            }
        }
    }

    private static string Holder(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (IOException) { return "unknown"; }
    }

    private static bool IsStale(string path, string holder)
    {
        if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > StaleAfter) return true;
        // On this machine a holder's process can be asked after directly.
        var parts = holder.Split(' ');
        if (parts.Length != 2 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], out var pid)) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        try { File.Delete(_path); }
        catch (IOException) { }
    }
}
