using System.Collections.Concurrent;
using System.Text.Json;

namespace Flock.Tests.Support;

/// <summary>
/// Sources whose key-flagged frames are not all clean places to start decoding, one that is damaged in the middle and
/// one cut off after its header. Each decodes cleanly from its start with ffmpeg (except the damaged one); each was
/// checked by hand to reproduce what it stands for (see the Media tests that prove it on every run).
/// </summary>
public static class BadEntryClips
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Clips = new(StringComparer.Ordinal);

    /// <summary>
    /// 8 s of 25 fps 320x240 H.264 (no B-frames, IDR frames at 0 and 4 s only) in MP4, where the P-frames at 1.6 s and
    /// 5.2 s carry a recovery-point SEI that lies (recovery_frame_cnt 0, exact match): the parser flags them as
    /// keyframes and the muxer lists them as sync samples. Decoding from one gives concealed garbage with every
    /// timestamp right and not one error line; decoding from the start is clean.
    /// </summary>
    public static Task<string> LyingRecoveryPointsMp4() => Get("lying-recovery-points.mp4", async path =>
    {
        var raw = path + ".h264";
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=8",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-x264-params", "keyint=100:min-keyint=100:scenecut=0", "-bf", "0",
            "-f", "h264", raw]).ConfigureAwait(false);
        await File.WriteAllBytesAsync(raw, WithRecoveryPointsBefore(await File.ReadAllBytesAsync(raw).ConfigureAwait(false), new HashSet<int> { 40, 130 })).ConfigureAwait(false);
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-framerate", "25", "-i", raw, "-c", "copy", "-f", "mp4", path]).ConfigureAwait(false);
        File.Delete(raw);
    });

    /// <summary>
    /// 8 s of 25 fps H.264 with periodic intra refresh (x264 intra-refresh, keyint 50) in MP4: its keyframes are recovery
    /// points whose picture is only complete some frames later, so decoding from one drops the frames before that.
    /// </summary>
    public static Task<string> IntraRefreshMp4() => Get("intra-refresh.mp4", path =>
        FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=8",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-x264-params", "keyint=50:scenecut=0:intra-refresh=1", "-bf", "0", path]));

    /// <summary>6 s of 25 fps H.264 (GOP 50) in MP4 whose 81st packet in the file has its last two thirds scrambled.</summary>
    public static Task<string> DamagedPacketMp4() => Get("damaged-packet.mp4", async path =>
    {
        var whole = path + ".whole.mp4";
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=6",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "50", "-sc_threshold", "0", whole]).ConfigureAwait(false);
        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v", "-show_entries", "packet=pos,size", "-of", "json", whole]).ConfigureAwait(false);
        var packets = JsonDocument.Parse(probe.StandardOutput).RootElement.GetProperty("packets").EnumerateArray()
            .Select(p => (Pos: long.Parse(p.GetProperty("pos").GetString()!), Size: int.Parse(p.GetProperty("size").GetString()!)))
            .OrderBy(p => p.Pos).ToList();
        var (pos, size) = packets[80];
        var bytes = await File.ReadAllBytesAsync(whole).ConfigureAwait(false);
        for (var i = pos + 8 + (size - 8) / 3; i < pos + size; i++) bytes[i] = (byte)((bytes[i] * 7 + 13) & 0xff);
        await File.WriteAllBytesAsync(path, bytes).ConfigureAwait(false);
        File.Delete(whole);
    });

    /// <summary>A 30 s, 25 fps H.264 + AAC Matroska file cut to its first fifth: it declares 30 s and holds about 6.</summary>
    public static Task<string> CutOffMkv() => Get("cut-off.mkv", async path =>
    {
        var whole = path + ".whole.mkv";
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=30",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=30", "-map", "0:v", "-map", "1:a",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50", "-c:a", "aac", "-b:a", "64k", whole]).ConfigureAwait(false);
        var bytes = await File.ReadAllBytesAsync(whole).ConfigureAwait(false);
        await File.WriteAllBytesAsync(path, bytes.AsMemory(0, bytes.Length / 5).ToArray()).ConfigureAwait(false);
        File.Delete(whole);
    });

    /// <summary>
    /// 4 s of 25 fps 320x240 H.264 (no B-frames, an IDR frame every second) in MP4 where the SPS and PPS that came with
    /// the IDR frame at 2 s are sent with the P-frame at 1.6 s instead: the same parameter sets, so every decode is
    /// right, but the IDR frame at 2 s no longer carries its own, and a decode from it takes them from further back.
    /// </summary>
    public static Task<string> ParameterSetsBeforeIdrMp4() => Get("parameter-sets-before-idr.mp4", async path =>
    {
        var raw = path + ".h264";
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-x264-params", "keyint=25:min-keyint=25:scenecut=0", "-bf", "0",
            "-f", "h264", raw]).ConfigureAwait(false);
        await File.WriteAllBytesAsync(raw, WithParameterSetsMoved(await File.ReadAllBytesAsync(raw).ConfigureAwait(false), from: 50, to: 40)).ConfigureAwait(false);
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-framerate", "25", "-i", raw, "-c", "copy", "-f", "mp4", path]).ConfigureAwait(false);
        File.Delete(raw);
    });

    /// <summary>An Annex B stream whose SPS and PPS sent just before picture <paramref name="from"/> are sent before picture <paramref name="to"/> instead (decode order).</summary>
    private static byte[] WithParameterSetsMoved(byte[] annexB, int from, int to)
    {
        var units = NalUnits(annexB);
        var picture = -1;
        var pictureOf = new int[units.Count];
        for (var n = 0; n < units.Count; n++)
        {
            if (NalType(annexB, units[n].Start) is 1 or 5) picture++;
            pictureOf[n] = picture;
        }
        // Parameter sets belong to the picture whose slices follow them.
        bool IsMoved(int n) => NalType(annexB, units[n].Start) is 7 or 8 && n + 1 < units.Count && pictureOf[n] + 1 == from;
        var moved = Enumerable.Range(0, units.Count).Where(IsMoved).ToList();
        if (moved.Count < 2) throw new InvalidOperationException($"no SPS and PPS before picture {from}");
        using var output = new MemoryStream();
        for (var n = 0; n < units.Count; n++)
        {
            if (NalType(annexB, units[n].Start) is 1 or 5 && pictureOf[n] == to)
                foreach (var m in moved) output.Write(annexB, units[m].Start, units[m].End - units[m].Start);
            if (!moved.Contains(n)) output.Write(annexB, units[n].Start, units[n].End - units[n].Start);
        }
        return output.ToArray();
    }

    private static List<(int Start, int End)> NalUnits(byte[] annexB)
    {
        var starts = new List<int>();
        for (var i = 0; i + 3 <= annexB.Length; i++)
        {
            if (annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 1) starts.Add(i > 0 && annexB[i - 1] == 0 ? i - 1 : i);
        }
        return starts.Select((s, n) => (s, n + 1 < starts.Count ? starts[n + 1] : annexB.Length)).ToList();
    }

    private static int NalType(byte[] annexB, int start) => annexB[start + (annexB[start + 2] == 1 ? 3 : 4)] & 0x1f;

    /// <summary>An Annex B stream with a recovery-point SEI (recovery_frame_cnt 0, exact_match 1) inserted before the given pictures (decode order).</summary>
    private static byte[] WithRecoveryPointsBefore(byte[] annexB, IReadOnlySet<int> pictures)
    {
        byte[] sei = [0, 0, 0, 1, 0x06, 0x06, 0x01, 0xC4, 0x80];
        var starts = new List<int>();
        for (var i = 0; i + 3 <= annexB.Length; i++)
        {
            if (annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 1) starts.Add(i > 0 && annexB[i - 1] == 0 ? i - 1 : i);
        }
        using var output = new MemoryStream();
        var picture = -1;
        for (var n = 0; n < starts.Count; n++)
        {
            var start = starts[n];
            var end = n + 1 < starts.Count ? starts[n + 1] : annexB.Length;
            var header = annexB[start + (annexB[start + 2] == 1 ? 3 : 4)];
            if ((header & 0x1f) is 1 or 5)
            {
                picture++;
                if (pictures.Contains(picture)) output.Write(sei);
            }
            output.Write(annexB, start, end - start);
        }
        return output.ToArray();
    }

    private static Task<string> Get(string name, Func<string, Task> write) =>
        Clips.GetOrAdd(name, n => new Lazy<Task<string>>(async () =>
        {
            var final = Path.Combine(TestClips.CacheFolder, n);
            var partial = Path.Combine(TestClips.CacheFolder, $"partial-{Guid.NewGuid():N}-{n}");
            await write(partial).ConfigureAwait(false);
            File.Move(partial, final, overwrite: true);
            return final;
        }, LazyThreadSafetyMode.ExecutionAndPublication)).Value;
}
