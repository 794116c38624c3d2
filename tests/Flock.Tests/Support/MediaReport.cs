using System.Globalization;
using System.Text.Json;

namespace Flock.Tests.Support;

/// <summary>One stream as ffprobe sees it, with packet statistics gathered from the demuxed packets.</summary>
/// <param name="Index">Container stream index.</param>
/// <param name="CodecType">"video", "audio", "subtitle", "data" or "attachment".</param>
/// <param name="CodecName">ffmpeg codec name, e.g. "h264", "aac", "subrip".</param>
/// <param name="Language">The <c>language</c> tag, if any.</param>
/// <param name="Title">The <c>title</c> tag, if any.</param>
/// <param name="TimeBase">The stream time base as "num/den".</param>
/// <param name="PixelFormat">Video pixel format, e.g. "yuv420p10le".</param>
/// <param name="PacketCount">Number of packets not flagged D (discard).</param>
/// <param name="StartSeconds">Smallest packet timestamp (pts, else dts) in seconds, if any packet has one.</param>
/// <param name="DurationSeconds">From <see cref="StartSeconds"/> to the end of the last packet (timestamp + duration).</param>
public sealed record StreamReport(
    int Index,
    string CodecType,
    string? CodecName,
    string? Language,
    string? Title,
    string TimeBase,
    string? PixelFormat,
    int? Width,
    int? Height,
    bool IsAttachedPicture,
    int PacketCount,
    double? StartSeconds,
    double? DurationSeconds)
{
    public double? EndSeconds => StartSeconds + DurationSeconds;

    public override string ToString() =>
        $"#{Index} {CodecType} {CodecName ?? "?"}" +
        (Language is null ? string.Empty : $" lang={Language}") +
        (Title is null ? string.Empty : $" title=\"{Title}\"") +
        $" packets={PacketCount}";
}

/// <summary>A chapter: start and end in seconds and its title tag.</summary>
public sealed record ChapterReport(double StartSeconds, double EndSeconds, string? Title)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[{StartSeconds:0.000}-{EndSeconds:0.000}] \"{Title}\"");
}

/// <summary>
/// What a media file contains, read with ffprobe: streams, global tags, chapters, and the first
/// video stream's sorted presentation timestamps (from packets; decoded frames when the container
/// stores no pts, as AVI does for B-frames).
/// </summary>
public sealed record MediaReport(
    string Path,
    string FormatName,
    double? DurationSeconds,
    IReadOnlyDictionary<string, string> FormatTags,
    IReadOnlyList<StreamReport> Streams,
    IReadOnlyList<ChapterReport> Chapters,
    IReadOnlyList<double> VideoFrameTimestamps,
    IReadOnlyList<double> VideoKeyframeTimestamps)
{
    /// <summary>The global <c>title</c> tag (case-insensitive key), if any.</summary>
    public string? Title => FormatTags.TryGetValue("title", out var title) ? title : null;

    public int VideoFrameCount => VideoFrameTimestamps.Count;

    public int VideoKeyframeCount => VideoKeyframeTimestamps.Count;

    /// <summary>The first video stream that is not an attached picture (ffprobe's v:0 for ordinary files).</summary>
    public StreamReport? Video => Streams.FirstOrDefault(s => s.CodecType == "video" && !s.IsAttachedPicture);

    public IReadOnlyList<StreamReport> VideoStreams => OfType("video");

    public IReadOnlyList<StreamReport> AudioStreams => OfType("audio");

    public IReadOnlyList<StreamReport> SubtitleStreams => OfType("subtitle");

    public IReadOnlyList<StreamReport> OfType(string codecType) => Streams.Where(s => s.CodecType == codecType).ToArray();

    /// <summary>Probes <paramref name="path"/>; throws <see cref="FfmpegToolException"/> when ffprobe cannot read it.</summary>
    public static async Task<MediaReport> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No media file at '{path}'.", path);
        }

        var probe = await FfmpegTool.FfprobeAsync(
            [
                "-v", "error",
                "-show_streams", "-show_format", "-show_chapters",
                "-show_entries", "packet=stream_index,pts,dts,duration,flags",
                "-of", "json",
                path,
            ],
            cancellationToken: cancellationToken).ConfigureAwait(false);

        using var json = JsonDocument.Parse(probe.StandardOutput);
        var root = json.RootElement;
        if (!root.TryGetProperty("format", out var format))
        {
            throw new InvalidDataException($"ffprobe returned no format section for '{path}'.");
        }

        var packetsByStream = new Dictionary<int, List<Packet>>();
        if (root.TryGetProperty("packets", out var packets))
        {
            foreach (var packet in packets.EnumerateArray())
            {
                var index = packet.GetProperty("stream_index").GetInt32();
                var flags = Text(packet, "flags") ?? string.Empty;
                if (flags.Contains('D', StringComparison.Ordinal))
                {
                    continue;
                }

                if (!packetsByStream.TryGetValue(index, out var list))
                {
                    packetsByStream[index] = list = [];
                }

                list.Add(new Packet(Long(packet, "pts"), Long(packet, "dts"), Long(packet, "duration"), flags.Contains('K', StringComparison.Ordinal)));
            }
        }

        var streams = new List<StreamReport>();
        var timeBases = new Dictionary<int, (long Num, long Den)>();
        foreach (var stream in Items(root, "streams"))
        {
            var index = stream.GetProperty("index").GetInt32();
            var timeBaseText = Text(stream, "time_base") ?? "1/1";
            var timeBase = ParseRational(timeBaseText);
            timeBases[index] = timeBase;
            var tags = Tags(stream);
            var own = packetsByStream.GetValueOrDefault(index) ?? [];
            var stamps = own.Where(p => (p.Pts ?? p.Dts) is not null).ToList();
            double? start = null, duration = null;
            if (stamps.Count > 0)
            {
                var first = stamps.Min(p => (p.Pts ?? p.Dts)!.Value);
                var end = stamps.Max(p => (p.Pts ?? p.Dts)!.Value + (p.Duration ?? 0));
                start = Seconds(first, timeBase);
                duration = Seconds(end - first, timeBase);
            }

            var attached = stream.TryGetProperty("disposition", out var disposition)
                && disposition.TryGetProperty("attached_pic", out var pic)
                && pic.ValueKind == JsonValueKind.Number
                && pic.GetInt32() == 1;

            streams.Add(new StreamReport(
                index,
                Text(stream, "codec_type") ?? "unknown",
                Text(stream, "codec_name"),
                tags.GetValueOrDefault("language"),
                tags.GetValueOrDefault("title"),
                timeBaseText,
                Text(stream, "pix_fmt"),
                Int(stream, "width"),
                Int(stream, "height"),
                attached,
                own.Count,
                start,
                duration));
        }

        var chapters = Items(root, "chapters")
            .Select(c => new ChapterReport(
                ParseDouble(Text(c, "start_time")) ?? 0,
                ParseDouble(Text(c, "end_time")) ?? 0,
                Tags(c).GetValueOrDefault("title")))
            .ToList();

        var frames = new List<double>();
        var keyframes = new List<double>();
        var video = streams.FirstOrDefault(s => s.CodecType == "video" && !s.IsAttachedPicture);
        if (video is not null)
        {
            var videoPackets = packetsByStream.GetValueOrDefault(video.Index) ?? [];
            var timeBase = timeBases[video.Index];
            if (videoPackets.All(p => p.Pts is not null))
            {
                frames.AddRange(videoPackets.Select(p => Seconds(p.Pts!.Value, timeBase)));
                keyframes.AddRange(videoPackets.Where(p => p.IsKey).Select(p => Seconds(p.Pts!.Value, timeBase)));
            }
            else
            {
                // The container does not store every pts (AVI with B-frames): ask the decoder.
                await ReadDecodedFramesAsync(path, video.Index, timeBase, frames, keyframes, cancellationToken).ConfigureAwait(false);
            }

            frames.Sort();
            keyframes.Sort();
        }

        return new MediaReport(
            path,
            Text(format, "format_name") ?? "unknown",
            ParseDouble(Text(format, "duration")),
            Tags(format),
            streams,
            chapters,
            frames,
            keyframes);
    }

    public override string ToString() =>
        $"{System.IO.Path.GetFileName(Path)} ({FormatName}): {VideoFrameCount} video frames, streams [{string.Join(", ", Streams)}], " +
        $"chapters [{string.Join(", ", Chapters)}], title \"{Title}\"";

    private static async Task ReadDecodedFramesAsync(
        string path, int streamIndex, (long Num, long Den) timeBase, List<double> frames, List<double> keyframes, CancellationToken cancellationToken)
    {
        var probe = await FfmpegTool.FfprobeAsync(
            [
                "-v", "error",
                "-select_streams", streamIndex.ToString(CultureInfo.InvariantCulture),
                "-show_entries", "frame=best_effort_timestamp,key_frame",
                "-of", "json",
                path,
            ],
            cancellationToken: cancellationToken).ConfigureAwait(false);
        using var json = JsonDocument.Parse(probe.StandardOutput);
        long? previous = null, previousStep = null;
        foreach (var frame in Items(json.RootElement, "frames"))
        {
            // A frame flushed from the decoder's reorder delay can come out without any timestamp
            // (AVI, B-frames); ffmpeg extrapolates it from the packet dts, one frame after the previous.
            var pts = Long(frame, "best_effort_timestamp")
                ?? previous + (previousStep ?? 1)
                ?? throw new InvalidDataException($"First video frame without any timestamp in '{path}'.");
            previousStep = previous is null ? null : pts - previous;
            previous = pts;

            var seconds = Seconds(pts, timeBase);
            frames.Add(seconds);
            if (Int(frame, "key_frame") == 1)
            {
                keyframes.Add(seconds);
            }
        }
    }

    private readonly record struct Packet(long? Pts, long? Dts, long? Duration, bool IsKey);

    private static double Seconds(long ticks, (long Num, long Den) timeBase) =>
        (double)((decimal)ticks * timeBase.Num / timeBase.Den);

    private static (long Num, long Den) ParseRational(string text)
    {
        var parts = text.Split('/');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var num)
            && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var den)
            && den != 0
                ? (num, den)
                : throw new InvalidDataException($"Unreadable time base '{text}'.");
    }

    private static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    private static Dictionary<string, string> Tags(JsonElement element)
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (element.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in t.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.ValueKind == JsonValueKind.String ? tag.Value.GetString()! : tag.Value.GetRawText();
            }
        }

        return tags;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static long? Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;

    private static double? ParseDouble(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
