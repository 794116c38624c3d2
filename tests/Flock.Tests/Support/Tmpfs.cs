using System.Diagnostics;
using Xunit;

namespace Flock.Tests.Support;

/// <summary>
/// Small filesystems to fill, for the disk-full tests: a tmpfs mounted on a folder. Mounting needs root, which the test
/// run has (`./flock test` installs ffmpeg with apt); elsewhere those tests say so and do not run.
/// </summary>
public static class Tmpfs
{
    public static bool CanMount => Environment.UserName == "root";

    public static async Task MountAsync(string dir, long bytes)
    {
        Directory.CreateDirectory(dir);
        Assert.Equal(0, await RunAsync("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", dir));
    }

    /// <summary>Grows (or shrinks) a mounted tmpfs in place, keeping its files: room made on a full disk.</summary>
    public static async Task ResizeAsync(string dir, long bytes) => Assert.Equal(0, await RunAsync("mount", "-o", $"remount,size={bytes}", dir));

    public static Task<int> UnmountAsync(string dir) => RunAsync("umount", "-l", dir);

    private static async Task<int> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
