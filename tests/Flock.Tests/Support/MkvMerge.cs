using System.ComponentModel;
using System.Diagnostics;
using Xunit;

namespace Flock.Tests.Support;

/// <summary>
/// mkvmerge (mkvtoolnix), for sources with HDR10 metadata in the container as real UHD remuxes have: ffmpeg 5.1 cannot
/// write MKV's Colour element from a bitstream's SEI, only from a source's container, so it cannot make one itself.
/// </summary>
public static class MkvMerge
{
    /// <summary>Remuxes <paramref name="input"/> to <paramref name="output"/> with the HDR10 values of x265's master-display G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50) and max-cll 1000,400.</summary>
    public static Task WithHdr10Async(string input, string output) => RunAsync(["-q", "-o", output,
        "--max-content-light", "0:1000", "--max-frame-light", "0:400",
        "--chromaticity-coordinates", "0:0.68,0.32,0.265,0.69,0.15,0.06", "--white-colour-coordinates", "0:0.3127,0.329",
        "--max-luminance", "0:1000", "--min-luminance", "0:0.005", input]);

    public static async Task RunAsync(IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo("mkvmerge") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process? p;
        try { p = Process.Start(psi); }
        catch (Win32Exception) { p = null; }
        Assert.True(p is not null, "mkvmerge is not installed: this test needs it to make a source with HDR10 metadata in its container (apt install mkvtoolnix)");
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, $"mkvmerge failed: {await stdout}{stderr}");
        }
    }
}
