using System.Globalization;
using Flock.Media.Options;

namespace Flock.Media.Encoding;

/// <summary>
/// A node's share of its cores, said to each encoder in its own words. ffmpeg's <c>-threads</c> reaches x264,
/// SVT-AV1, libaom, rav1e and libvpx. ffmpeg 5.1's libx265 wrapper ignores it, and x265's thread pool moves its
/// threads onto every core of the NUMA node (libnuma), past <c>taskset</c>: on this 2-core machine
/// <c>taskset -c 0 ffmpeg ... -c:v libx265 -threads 1</c> used 9.3 s of CPU in 5.5 s, two such one-core encodes at once
/// took 9.8 s each, and two one-core nodes encoded no faster than one (bench/RESULTS-encoders-quick.md, 1.01x). So x265
/// is given <c>pools=none</c> and <c>frame-threads=1</c> for one thread (no pool, so nothing moves it off its core),
/// and <c>pools=N</c> for N; parameters the user set in <c>-x265-params</c> win, as an own <c>-threads</c> does.
/// </summary>
public static class EncoderThreads
{
    /// <param name="encoder">the video encoder the options name (<see cref="EncoderOptions.VideoEncoder"/>).</param>
    public static IReadOnlyList<string> Limit(IReadOnlyList<string> videoOptions, string encoder, int threads)
    {
        if (threads <= 0 || videoOptions.Contains("-threads")) return videoOptions;
        var video = videoOptions.ToList();
        video.AddRange(["-threads", threads.ToString(CultureInfo.InvariantCulture)]);
        if (encoder != "libx265") return video;
        var named = EncoderParams.Names(video, "-x265-params");
        if (named.Overlaps(["pools", "numa-pools"])) return video;
        var wanted = threads == 1
            ? new[] { "pools=none", "frame-threads=1" }
            : [$"pools={threads.ToString(CultureInfo.InvariantCulture)}"];
        EncoderParams.Append(video, "-x265-params", wanted.Where(p => !named.Contains(p.Split('=')[0])).ToList());
        return video;
    }
}
