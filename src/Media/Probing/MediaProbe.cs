using System.Globalization;
using System.Text.Json;
using Flock.Media.Processes;

namespace Flock.Media.Probing;

/// <summary>Reads a source's streams with ffprobe and refuses what Flock cannot encode, with one clear line.</summary>
public static class MediaProbe
{
    /// <summary>
    /// Demuxers a source may use. Playlists and lists (hls, dash, concat, image sequences) are left out: they make
    /// ffmpeg open other files or URLs named inside the input, so an uploaded "video" could read the seed's files.
    /// </summary>
    public const string InputFormats = "mov,matroska,webm,avi,mpegts,mpeg,mpegvideo,flv,ogg,asf,mxf,nut,ivf,h264,hevc,m4v,yuv4mpegpipe,dv,obu,av1";

    /// <summary>The arguments that hold ffmpeg and ffprobe to a plain local file in one of <see cref="InputFormats"/>.</summary>
    public static IReadOnlyList<string> LocalInputGuard { get; } = ["-protocol_whitelist", "file", "-format_whitelist", InputFormats];

    public static async Task<MediaInfo> ProbeAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new MediaException($"input not found: {path}");
        var result = await ProcessRunner.RunAsync(Ffmpeg.FfprobePath,
            ["-v", "error", .. LocalInputGuard, "-show_format", "-show_streams", "-show_chapters", "-of", "json", path], ct).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new MediaException($"not a readable video: {Path.GetFileName(path)}: {result.LastErrorLine}", result.StandardErrorTail);
        var info = Parse(result.StandardOutput);
        if (info.MainVideo is null) throw new MediaException($"not a video: {Path.GetFileName(path)} has no video stream");
        return info;
    }

    public static MediaInfo Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var format = root.TryGetProperty("format", out var f) ? f : default;
        var streams = new List<StreamInfo>();
        if (root.TryGetProperty("streams", out var ss))
        {
            foreach (var s in ss.EnumerateArray())
            {
                var tags = s.TryGetProperty("tags", out var t) ? t : default;
                var disposition = s.TryGetProperty("disposition", out var d) ? d : default;
                streams.Add(new StreamInfo(
                    s.GetProperty("index").GetInt32(),
                    Str(s, "codec_type") ?? "unknown",
                    Str(s, "codec_name") ?? "unknown",
                    Str(s, "time_base") is { } tb ? TimeBase.Parse(tb) : new TimeBase(1, 1000),
                    tags.ValueKind == JsonValueKind.Object ? Str(tags, "language") : null,
                    disposition.ValueKind == JsonValueKind.Object && disposition.TryGetProperty("attached_pic", out var ap) && ap.GetInt32() == 1,
                    s.TryGetProperty("width", out var w) ? w.GetInt32() : 0,
                    s.TryGetProperty("height", out var h) ? h.GetInt32() : 0,
                    Str(s, "pix_fmt")) { FileName = tags.ValueKind == JsonValueKind.Object ? Str(tags, "filename") : null, CodecTag = Str(s, "codec_tag_string") });
            }
        }
        var chapters = root.TryGetProperty("chapters", out var ch) ? ch.GetArrayLength() : 0;
        return new MediaInfo(
            format.ValueKind == JsonValueKind.Object ? Str(format, "format_name") ?? "" : "",
            Num(format, "start_time"),
            Num(format, "duration"),
            streams,
            chapters);
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double Num(JsonElement e, string name) =>
        Str(e, name) is { } s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;
}
