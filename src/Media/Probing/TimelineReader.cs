using System.Globalization;
using Flock.Media.Processes;

namespace Flock.Media.Probing;

/// <summary>
/// Builds the <see cref="FrameTimeline"/>. Containers whose packets are frames (MP4, MOV, Matroska/WebM) are read
/// from packets without decoding, which is fast; any other (AVI with packed B-frames has fewer packets than frames,
/// and frames without timestamps) is read through ffmpeg's own pipeline, so the timeline holds the very timestamps a
/// single-machine encode would give each frame, and its keyframes from the packets' key flags.
/// </summary>
public static class TimelineReader
{
    private static readonly string[] PacketTrustworthyFormats = ["mov", "mp4", "matroska", "webm"];

    public static async Task<FrameTimeline> ReadAsync(string path, MediaInfo info, CancellationToken ct)
    {
        var video = info.MainVideo ?? throw new MediaException("not a video: no video stream");
        var formats = info.FormatName.Split(',');
        if (formats.Any(f => PacketTrustworthyFormats.Contains(f)))
        {
            var fromPackets = await FromPacketsAsync(path, video, ct).ConfigureAwait(false);
            if (fromPackets is not null) return fromPackets;
        }
        return await FromDecoderAsync(path, video, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The frames of the source's first <paramref name="seconds"/>, from packets, without reading the rest of the file;
    /// null when the container's packets are not its frames (or lack timestamps). Frames whose packets may come after
    /// the read interval ends (B-frame reordering) are left out: the last second read is dropped.
    /// </summary>
    public static async Task<FrameTimeline?> ReadHeadAsync(string path, MediaInfo info, double seconds, CancellationToken ct)
    {
        var video = info.MainVideo ?? throw new MediaException("not a video: no video stream");
        if (!info.FormatName.Split(',').Any(f => PacketTrustworthyFormats.Contains(f))) return null;
        var read = await FromPacketsAsync(path, video, ct, seconds + 2).ConfigureAwait(false);
        if (read is null) return null;
        var tb = read.TimeBase;
        // ffprobe measures the interval from the first packet of any stream, which need not be video's: judge by
        // what was really read, and drop its last second, where reordered frames may still be missing.
        var second = (long)Math.Ceiling((double)tb.Denominator / tb.Numerator);
        var limit = Math.Min(read.Pts[0] + (long)(seconds * tb.Denominator / tb.Numerator), read.Pts[^1] - second);
        var kept = read.Pts.Count(p => p < limit); // sorted: the frames kept are a prefix
        var bytes = read.Bytes is { } b ? new PacketBytes(b.Start[..kept], b.End[..kept]) : null;
        return new FrameTimeline(tb, read.Pts[..kept], read.KeyframePts.Where(p => p < limit).ToArray()) { Bytes = bytes };
    }

    /// <returns>null when some packet has no timestamp, so the caller falls back to decoding.</returns>
    private static async Task<FrameTimeline?> FromPacketsAsync(string path, StreamInfo video, CancellationToken ct, double? headSeconds = null)
    {
        var pts = new List<long>();
        var keys = new List<long>();
        var starts = new List<long>();
        var ends = new List<long>();
        var missing = false;
        var placed = true;
        string[] head = headSeconds is { } h ? ["-read_intervals", "%+" + h.ToString("0.###", CultureInfo.InvariantCulture)] : [];
        await Ffmpeg.ProbeCheckedAsync(
            ["-v", "error", .. head, "-select_streams", video.Index.ToString(CultureInfo.InvariantCulture), "-show_entries", "packet=pts,flags,pos,size", "-of", "csv=p=0", path],
            ct,
            line =>
            {
                if (ProbedPacket.Parse(line) is not { } packet) return;
                if (packet.Pts is not { } p) { missing = true; return; }
                pts.Add(p);
                if (packet.Keyframe) keys.Add(p);
                if (packet is { Pos: { } pos, Size: { } size } && pos >= 0)
                {
                    starts.Add(pos);
                    ends.Add(pos + size);
                }
                else placed = false;
            },
            captureStdout: false).ConfigureAwait(false);
        if (missing || pts.Count == 0) return null;
        var sorted = pts.ToArray();
        var sortedKeys = keys.ToArray();
        Array.Sort(sortedKeys);
        if (!placed)
        {
            Array.Sort(sorted);
            return new FrameTimeline(video.TimeBase, sorted, sortedKeys);
        }
        var order = Enumerable.Range(0, sorted.Length).ToArray();
        Array.Sort(sorted, order);
        var bytes = new PacketBytes(order.Select(i => starts[i]).ToArray(), order.Select(i => ends[i]).ToArray());
        return new FrameTimeline(video.TimeBase, sorted, sortedKeys) { Bytes = bytes };
    }

    private static async Task<FrameTimeline> FromDecoderAsync(string path, StreamInfo video, CancellationToken ct)
    {
        // wrapped_avframe "encodes" nothing: framecrc then lists each frame with the timestamp ffmpeg assigned it.
        var pts = new List<long>();
        TimeBase? tb = null;
        await Ffmpeg.RunCheckedAsync(
            ["-nostdin", "-v", "error", "-copyts", "-i", path, "-map", $"0:{video.Index}", "-fps_mode", "passthrough",
             "-enc_time_base", "-1", "-c:v", "wrapped_avframe", "-f", "framecrc", "-"],
            ct,
            line =>
            {
                if (line.StartsWith("#tb 0:", StringComparison.Ordinal)) tb = TimeBase.Parse(line[6..].Trim());
                if (line.Length == 0 || line[0] == '#') return;
                var parts = line.Split(',', 4);
                if (parts.Length >= 3 && long.TryParse(parts[2].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p)) pts.Add(p);
            }).ConfigureAwait(false);
        if (pts.Count == 0) throw new MediaException($"not a decodable video: {Path.GetFileName(path)} has no video frames");
        var sorted = pts.ToArray();
        Array.Sort(sorted);
        return new FrameTimeline(tb ?? video.TimeBase, sorted, await KeyframesAmongAsync(path, video, sorted, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// The key-flagged packets' timestamps that are frames of <paramref name="frames"/>, read without decoding. Without
    /// them every chunk would be decoded from the file start; a key flag that is wrong (a packet the timeline has no
    /// frame at is never an entry) is caught by the seed's content check like any bad entry point.
    /// </summary>
    private static async Task<long[]> KeyframesAmongAsync(string path, StreamInfo video, long[] frames, CancellationToken ct)
    {
        var keys = new List<long>();
        await Ffmpeg.ProbeCheckedAsync(
            ["-v", "error", "-select_streams", video.Index.ToString(CultureInfo.InvariantCulture), "-show_entries", "packet=pts,flags", "-of", "csv=p=0", path],
            ct,
            line =>
            {
                if (ProbedPacket.Parse(line) is { Keyframe: true, Pts: { } p } && Array.BinarySearch(frames, p) >= 0) keys.Add(p);
            },
            captureStdout: false).ConfigureAwait(false);
        var sorted = keys.Distinct().ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}
