using System.Globalization;

namespace Flock.Media.Options;

/// <summary>
/// Whether the user's video options fix the keyframe interval, as HLS/DASH delivery asks: a keyframe exactly every N
/// frames and nowhere else. Only then can the planner put every chunk start on that grid and the output match one
/// encode of the whole file. Each encoder's rule is what it did here (ffmpeg 5.1; x264 164, x265 3.5, libvpx 1.12,
/// libaom 3.6, SVT-AV1 1.4, rav1e 0.5) on a clip with three hard scene cuts:
/// <list type="bullet">
/// <item>libx264: <c>-g N</c> (or <c>keyint=N</c> in <c>-x264-params</c>/<c>-x264opts</c>) with scene cuts off:
/// <c>-sc_threshold 0</c>, <c>scenecut=0</c> or <c>no-scenecut</c>. <c>-keyint_min N</c> is not enough: x264 caps
/// min-keyint at N/2+1 and still puts keyframes at scene cuts.</item>
/// <item>libx265: <c>-g N</c> or <c>keyint=N</c> with <c>-keyint_min N</c> or <c>min-keyint=N</c> (the same N), or with
/// <c>scenecut=0</c> / <c>no-scenecut</c> in <c>-x265-params</c>. ffmpeg's libx265 wrapper ignores <c>-sc_threshold</c>.</item>
/// <item>libvpx-vp9: <c>-g N</c>: it placed no keyframe at scene cuts, one pass at good and realtime deadlines.</item>
/// <item>libsvtav1: <c>-g N</c> or <c>keyint=N</c> in <c>-svtav1-params</c>, unless <c>scd=1</c> asks for scene change
/// detection (it added no keyframe here, but is meant to).</item>
/// <item>libaom-av1 and librav1e: <c>-g N -keyint_min N</c>; with <c>-g</c> alone both put keyframes at scene cuts.</item>
/// </list>
/// A preset that turns scene cuts off (x264's and x265's ultrafast) does not count: only what the options say.
/// </summary>
public static class FixedGop
{
    /// <summary>The fixed keyframe interval in frames, or null when the options leave keyframe placement to the encoder (or it is every frame).</summary>
    public static int? Of(EncoderOptions options)
    {
        var video = options.Video;
        string? g = null, keyintMin = null, scThreshold = null;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < video.Count; i += 2)
        {
            var name = video[i][1..].Split(':')[0];
            var value = video[i + 1];
            switch (name)
            {
                case "g": g = value; break;
                case "keyint_min": keyintMin = value; break;
                case "sc_threshold": scThreshold = value; break;
                // Both libx264 spellings reach the same parameter parser; ffmpeg applies them after -g and friends.
                case "x264-params" or "x264opts" when options.VideoEncoder is "libx264" or "libx264rgb":
                case "x265-params" when options.VideoEncoder is "libx265":
                case "svtav1-params" when options.VideoEncoder is "libsvtav1":
                    foreach (var (key, v) in Parameters(value)) parameters[key] = v;
                    break;
            }
        }
        var keyint = Frames(parameters.GetValueOrDefault("keyint") ?? g);
        if (keyint is not { } n || n <= 1) return null;
        var fixedGop = options.VideoEncoder switch
        {
            "libx264" or "libx264rgb" => SceneCutsOff(parameters) ?? scThreshold == "0",
            "libx265" => SceneCutsOff(parameters) == true || Frames(parameters.GetValueOrDefault("min-keyint") ?? keyintMin) == n,
            "libvpx-vp9" => true,
            "libsvtav1" => parameters.GetValueOrDefault("scd") is not ("1" or "true"),
            "libaom-av1" or "librav1e" => Frames(keyintMin) == n,
            _ => false,
        };
        return fixedGop ? n : null;
    }

    /// <summary>True when the parameters turn scene-cut keyframes off, false when on, null when they do not say.</summary>
    private static bool? SceneCutsOff(Dictionary<string, string> parameters)
    {
        if (parameters.TryGetValue("no-scenecut", out var no)) return IsTrue(no);
        if (parameters.TryGetValue("scenecut", out var threshold)) return threshold is "0" or "false" or "no";
        return null;
    }

    private static bool IsTrue(string value) => value is "" or "1" or "true" or "yes";

    /// <summary>key=value pairs split on ':'; a bare key (x264opts style) means 1.</summary>
    private static IEnumerable<(string Key, string Value)> Parameters(string value) =>
        value.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(kv => (kv[0].Trim(), kv.Length > 1 ? kv[1].Trim() : "1"));

    private static int? Frames(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var frames) && frames > 0 ? frames : null;
}
