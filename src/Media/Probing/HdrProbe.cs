using System.Globalization;
using System.Text.Json;
using Flock.Media.Processes;

namespace Flock.Media.Probing;

/// <summary>
/// Reads a source's HDR description: the video stream's colour tags and side data (what MKV's Colour element and
/// MP4's mdcv/clli/dvcC boxes give) and the side data of its first decoded frame (HEVC SEI, AV1 metadata OBUs), where
/// files written by encoders usually keep HDR10 metadata. One frame is decoded, so it costs about one ffprobe start.
/// </summary>
public static class HdrProbe
{
    public static async Task<HdrInfo> ProbeAsync(string path, int streamIndex, CancellationToken ct)
    {
        var result = await ProcessRunner.RunAsync(Ffmpeg.FfprobePath,
            ["-v", "error", .. MediaProbe.LocalInputGuard, "-select_streams", streamIndex.ToString(CultureInfo.InvariantCulture),
             "-read_intervals", "%+#1", "-show_frames",
             "-show_entries", "stream=pix_fmt,color_range,color_space,color_transfer,color_primaries:stream_side_data_list:frame=pix_fmt:frame_side_data_list",
             "-of", "json", path], ct).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new MediaException($"cannot read the HDR description of {Path.GetFileName(path)}: {result.LastErrorLine}", result.StandardErrorTail);
        return Parse(result.StandardOutput);
    }

    public static HdrInfo Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var stream = root.TryGetProperty("streams", out var ss) && ss.GetArrayLength() > 0 ? ss[0] : default;
        var frame = root.TryGetProperty("frames", out var fs) && fs.GetArrayLength() > 0 ? fs[0] : default;
        MasteringDisplay? mastering = null;
        ContentLight? light = null;
        var dolbyVision = false;
        var masteringInContainer = false;
        var lightInContainer = false;
        // The container's word first (it is what players read first), then the bitstream's.
        foreach (var (owner, isContainer) in new[] { (stream, true), (frame, false) })
        {
            if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty("side_data_list", out var list)) continue;
            foreach (var sd in list.EnumerateArray())
            {
                var type = Str(sd, "side_data_type") ?? "";
                if (type.StartsWith("Mastering display", StringComparison.OrdinalIgnoreCase)) mastering ??= Mastering(sd);
                else if (type.StartsWith("Content light level", StringComparison.OrdinalIgnoreCase)) light ??= Light(sd);
                else if (type.Contains("DOVI", StringComparison.Ordinal) || type.Contains("Dolby Vision", StringComparison.OrdinalIgnoreCase)) dolbyVision = true;
            }
            if (isContainer) (masteringInContainer, lightInContainer) = (mastering is not null, light is not null);
        }
        return new HdrInfo(
            HdrInfo.Tag(Str(stream, "color_primaries")),
            HdrInfo.Tag(Str(stream, "color_transfer")),
            HdrInfo.Tag(Str(stream, "color_space")),
            HdrInfo.Tag(Str(stream, "color_range")),
            Str(stream, "pix_fmt") ?? Str(frame, "pix_fmt"),
            mastering,
            light,
            dolbyVision)
        {
            MasteringInContainer = masteringInContainer,
            ContentLightInContainer = lightInContainer,
        };
    }

    /// <summary>Null unless every value is there: half a mastering display is not one to write.</summary>
    private static MasteringDisplay? Mastering(JsonElement sd)
    {
        Ratio? R(string name) => Ratio.Parse(Str(sd, name));
        if (R("red_x") is not { } rx || R("red_y") is not { } ry || R("green_x") is not { } gx || R("green_y") is not { } gy
            || R("blue_x") is not { } bx || R("blue_y") is not { } by || R("white_point_x") is not { } wx || R("white_point_y") is not { } wy
            || R("min_luminance") is not { } min || R("max_luminance") is not { } max)
            return null;
        return new MasteringDisplay(rx, ry, gx, gy, bx, by, wx, wy, min, max);
    }

    private static ContentLight? Light(JsonElement sd) =>
        Int(sd, "max_content") is { } cll && Int(sd, "max_average") is { } fall ? new ContentLight(cll, fall) : null;

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static int? Int(JsonElement e, string name) =>
        int.TryParse(Str(e, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;
}
