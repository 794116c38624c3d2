using System.Diagnostics;
using System.Globalization;
using Flock.Media.Processes;

namespace Flock.Node.Encoding;

/// <summary>
/// A fixed x264 encode of a generated clip. Its speed, relative to <see cref="ReferenceFps"/>, is the node's power:
/// what the seed and pbm show, and what a scheduler can weigh nodes by.
/// </summary>
public static class Benchmark
{
    /// <summary>Frames per second that count as power 1.0 (one ordinary core at 640x360, x264 medium).</summary>
    public const double ReferenceFps = 60;

    public static async Task<(double Power, double Fps)> RunAsync(double seconds, int threads, CancellationToken ct)
    {
        var frames = Math.Max(15, (int)(seconds * 30));
        var watch = Stopwatch.StartNew();
        await Ffmpeg.RunCheckedAsync(
            ["-nostdin", "-hide_banner", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=30", "-frames:v", frames.ToString(CultureInfo.InvariantCulture),
             "-c:v", "libx264", "-preset", "medium", "-threads", threads.ToString(CultureInfo.InvariantCulture), "-f", "null", "-"], ct).ConfigureAwait(false);
        var fps = frames / Math.Max(0.001, watch.Elapsed.TotalSeconds);
        return (fps / ReferenceFps, fps);
    }
}
