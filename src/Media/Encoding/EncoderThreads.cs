using System.Globalization;
using Flock.Media.Options;

namespace Flock.Media.Encoding;

/// <summary>
/// A node's share of its cores, said to each encoder in its own words. ffmpeg's <c>-threads</c> reaches x264, libaom,
/// rav1e and libvpx; ffmpeg 5.1's libx265 and libsvtav1 wrappers ignore it.
/// <list type="bullet">
/// <item>x265's thread pool also moves its threads onto every core of the NUMA node (libnuma), past <c>taskset</c>: on
/// this 2-core machine <c>taskset -c 0 ffmpeg ... -c:v libx265 -threads 1</c> used 9.3 s of CPU in 5.5 s, two such
/// one-core encodes at once took 9.8 s each, and two one-core nodes encoded no faster than one
/// (bench/RESULTS-encoders-quick.md, 1.01x). It gets <c>pools=none</c> and <c>frame-threads=1</c> for one thread (no
/// pool, so nothing moves its threads), and <c>pools=N</c> for N.</item>
/// <item>SVT-AV1 sizes itself by the machine's cores (it stays inside <c>taskset</c>): with <c>-threads 1</c> it used 1.66
/// cores, with <c>lp=1</c> 1.08. It gets <c>lp=N</c>.</item>
/// </list>
/// Parameters the user set in the encoder's own parameter string win, as an own <c>-threads</c> does.
/// </summary>
public static class EncoderThreads
{
    /// <param name="encoder">the video encoder the options name (<see cref="EncoderOptions.VideoEncoder"/>).</param>
    public static IReadOnlyList<string> Limit(IReadOnlyList<string> videoOptions, string encoder, int threads)
    {
        if (threads <= 0 || videoOptions.Contains("-threads")) return videoOptions;
        var video = videoOptions.ToList();
        video.AddRange(["-threads", threads.ToString(CultureInfo.InvariantCulture)]);
        var n = threads.ToString(CultureInfo.InvariantCulture);
        var (key, chosen, wanted) = encoder switch
        {
            "libx265" => ("-x265-params", new[] { "pools", "numa-pools" }, threads == 1 ? new[] { "pools=none", "frame-threads=1" } : [$"pools={n}"]),
            "libsvtav1" => ("-svtav1-params", ["lp", "logical-processors"], [$"lp={n}"]),
            _ => ("", [], []),
        };
        var named = EncoderParams.Names(video, key);
        if (wanted.Length == 0 || named.Overlaps(chosen)) return video;
        EncoderParams.Append(video, key, wanted.Where(p => !named.Contains(p.Split('=')[0])).ToList());
        return video;
    }
}
