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

    /// <summary>
    /// The median of <see cref="Runs"/> encodes of <paramref name="seconds"/> each (at power 1). A node benchmarks while
    /// it starts and joins, and its own start-up (JIT, TLS, the cluster join) shares the core with the first run: one
    /// bench run measured two nodes on identical pinned cores at 1.58 and 2.64, and the seed then gave the "faster" one
    /// the longer chunks and left the other idle for 14 s at the job's end. The fastest of two runs fixed that (2.59 and
    /// 2.63) but read a core shared with a CPU hog at 72 % of a free one, where the hog leaves it half: contention that
    /// lasts is the node's real speed, and a lucky second of scheduling is not. The median drops one run either way.
    /// </summary>
    public static async Task<(double Power, double Fps)> RunAsync(double seconds, int threads, CancellationToken ct)
    {
        var frames = Math.Max(15, (int)(seconds * 30));
        var speeds = new List<double>(Runs);
        for (var run = 0; run < Runs; run++)
        {
            var watch = Stopwatch.StartNew();
            await Ffmpeg.RunCheckedAsync(
                ["-nostdin", "-hide_banner", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=30", "-frames:v", frames.ToString(CultureInfo.InvariantCulture),
                 "-c:v", "libx264", "-preset", "medium", "-threads", threads.ToString(CultureInfo.InvariantCulture), "-f", "null", "-"], ct).ConfigureAwait(false);
            speeds.Add(frames / Math.Max(0.001, watch.Elapsed.TotalSeconds));
        }
        var median = speeds.Order().ElementAt(Runs / 2);
        return (median / ReferenceFps, median);
    }

    public const int Runs = 3;
}
