using System.Collections.Concurrent;
using System.Globalization;

namespace Flock.Tests.Support;

/// <summary>
/// Small synthetic source clips made with ffmpeg's lavfi sources. Each clip is generated once per
/// test process into a shared cache folder (<c>{temp}/flock-test-clips-{pid}</c>); concurrent callers
/// await the same generation. Clips are 320x240 or smaller and 4–10 s long so that encodes stay fast.
/// </summary>
public static class TestClips
{
    private const string Size = "320x240";

    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Clips = new(StringComparer.Ordinal);

    private static readonly Lazy<string> Folder = new(CreateFolder, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The per-process cache folder holding the generated clips.</summary>
    public static string CacheFolder => Folder.Value;

    /// <summary>6 s, 25 fps H.264 (3 B-frames, GOP 50, no scene-cut keyframes) + AAC stereo, in MP4 (moov at the end).</summary>
    public static Task<string> ConstantFrameRateMp4() => Get("cfr-h264-aac.mp4", output =>
    [
        .. Lavfi($"testsrc2=size={Size}:rate=25:duration=6"),
        .. Lavfi("sine=frequency=440:sample_rate=48000:duration=6"),
        "-map", "0:v", "-map", "1:a",
        .. X264(gop: 50),
        "-bf", "3",
        .. Aac(),
        output,
    ]);

    /// <summary>
    /// 6 s H.264 + AAC in MP4 whose frame intervals are genuinely irregular: three 2 s segments at
    /// 10, 30 and 24 fps concatenated with passthrough timestamps; video time base 1/90000.
    /// </summary>
    public static Task<string> VariableFrameRateMp4() => Get("vfr-h264-aac.mp4", output =>
    [
        .. Lavfi($"testsrc2=size={Size}:rate=10:duration=2"),
        .. Lavfi($"testsrc2=size={Size}:rate=30:duration=2"),
        .. Lavfi($"testsrc2=size={Size}:rate=24:duration=2"),
        .. Lavfi("sine=frequency=550:sample_rate=48000:duration=6"),
        "-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1:a=0[v]",
        "-map", "[v]", "-map", "3:a",
        .. X264(gop: 50),
        "-bf", "3",
        "-fps_mode", "passthrough",
        "-video_track_timescale", "90000",
        .. Aac(),
        output,
    ]);

    /// <summary>6 s open-GOP HEVC (libx265, keyint 50, 4 B-frames) of a mandelbrot zoom + AAC, in MP4.</summary>
    public static Task<string> OpenGopHevcMp4() => Get("open-gop-hevc.mp4", output =>
    [
        "-f", "lavfi", "-t", "6", "-i", $"mandelbrot=size={Size}:rate=25",
        .. Lavfi("sine=frequency=330:sample_rate=48000:duration=6"),
        "-map", "0:v", "-map", "1:a",
        "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-x265-params", "keyint=50:min-keyint=50:scenecut=0:open-gop=1:bframes=4:log-level=error",
        "-tag:v", "hvc1",
        .. Aac(),
        output,
    ]);

    /// <summary>4 s 10-bit (yuv420p10le) HEVC + AAC, in Matroska.</summary>
    public static Task<string> TenBitHevcMkv() => Get("hevc-10bit.mkv", output =>
    [
        .. Lavfi($"testsrc2=size={Size}:rate=25:duration=4"),
        .. Lavfi("sine=frequency=770:sample_rate=48000:duration=4"),
        "-map", "0:v", "-map", "1:a",
        "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le",
        "-x265-params", "keyint=50:log-level=error",
        .. Aac(),
        output,
    ]);

    /// <summary>10 s H.264 with exactly one keyframe (-g 100000, no scene cuts) + pink-noise AAC, in Matroska.</summary>
    public static Task<string> SingleKeyframeMkv() => Get("single-keyframe.mkv", output =>
    [
        .. Lavfi($"testsrc2=size={Size}:rate=25:duration=10"),
        .. Lavfi("anoisesrc=color=pink:sample_rate=48000:amplitude=0.2:duration=10"),
        "-map", "0:v", "-map", "1:a",
        .. X264(gop: 100000),
        .. Aac(),
        output,
    ]);

    /// <summary>
    /// 8 s Matroska with H.264 video, two AAC tracks (eng 440 Hz, fra 660 Hz), an SRT subtitle track
    /// (ger, 3 cues), two chapters ("Opening" 0–4 s, "Ending" 4–8 s) and the global title
    /// <see cref="MultiAudioTitle"/>.
    /// </summary>
    public static Task<string> MultiAudioWithLanguagesMkv() => Get("multi-audio.mkv", async (output, folder) =>
    {
        var subtitles = Path.Combine(folder, "multi-audio.srt");
        await File.WriteAllTextAsync(subtitles, """
            1
            00:00:00,500 --> 00:00:02,000
            Hallo Welt

            2
            00:00:03,000 --> 00:00:05,000
            Zweiter Untertitel

            3
            00:00:06,000 --> 00:00:07,500
            Dritter Untertitel

            """.ReplaceLineEndings("\n")).ConfigureAwait(false);

        var metadata = Path.Combine(folder, "multi-audio.ffmeta");
        await File.WriteAllTextAsync(metadata, $"""
            ;FFMETADATA1
            title={MultiAudioTitle}

            [CHAPTER]
            TIMEBASE=1/1000
            START=0
            END=4000
            title=Opening

            [CHAPTER]
            TIMEBASE=1/1000
            START=4000
            END=8000
            title=Ending

            """.ReplaceLineEndings("\n")).ConfigureAwait(false);

        return
        [
            .. Lavfi($"testsrc2=size={Size}:rate=25:duration=8"),
            .. Lavfi("sine=frequency=440:sample_rate=48000:duration=8"),
            .. Lavfi("sine=frequency=660:sample_rate=48000:duration=8"),
            "-i", subtitles,
            "-f", "ffmetadata", "-i", metadata,
            "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s",
            "-map_metadata", "4", "-map_chapters", "4",
            .. X264(gop: 50),
            "-bf", "3",
            .. Aac(),
            "-c:s", "srt",
            "-metadata:s:a:0", "language=eng",
            "-metadata:s:a:1", "language=fra",
            "-metadata:s:s:0", "language=ger",
            output,
        ];
    });

    /// <summary>The global title of <see cref="MultiAudioWithLanguagesMkv"/>.</summary>
    public const string MultiAudioTitle = "Flock multi-track test";

    /// <summary>4 s of 25 fps H.264 video with 6 s of AAC audio (audio ends 2 s after the video), in MP4.</summary>
    public static Task<string> AudioLongerThanVideoMp4() => Get("audio-longer.mp4", output =>
    [
        .. Lavfi($"testsrc2=size={Size}:rate=25:duration=4"),
        .. Lavfi("sine=frequency=440:sample_rate=48000:duration=6"),
        "-map", "0:v", "-map", "1:a",
        .. X264(gop: 50),
        .. Aac(),
        output,
    ]);

    /// <summary>6 s of 25 fps H.264 video with 4 s of AAC audio (audio ends 2 s before the video), in MP4.</summary>
    public static Task<string> AudioShorterThanVideoMp4() => Get("audio-shorter.mp4", output =>
    [
        .. Lavfi($"testsrc2=size={Size}:rate=25:duration=6"),
        .. Lavfi("sine=frequency=440:sample_rate=48000:duration=4"),
        "-map", "0:v", "-map", "1:a",
        .. X264(gop: 50),
        .. Aac(),
        output,
    ]);

    /// <summary>
    /// 4 s, 25 fps MPEG-4 Part 2 with 2 B-frames and GOP 30 + MP3 audio, in AVI. The AVI packets carry no
    /// presentation timestamps for reordered frames, which is what makes this input awkward to split.
    /// </summary>
    public static Task<string> AviWithPackedBFrames() => Get("mpeg4-bframes.avi", output =>
    [
        .. Lavfi($"testsrc2=size={Size}:rate=25:duration=4"),
        .. Lavfi("sine=frequency=440:sample_rate=44100:duration=4"),
        "-map", "0:v", "-map", "1:a",
        "-c:v", "mpeg4", "-q:v", "4", "-bf", "2", "-g", "30",
        "-c:a", "libmp3lame", "-b:a", "64k",
        output,
    ]);

    /// <summary>
    /// 4 s, 25 fps H.264 (no B-frames, keyframe every second) + AAC, in MPEG-TS, which starts at 1.4 s as the muxer
    /// sets it. A TS seek bisects on timestamps and lands on any packet, not a keyframe, and the timeline comes from a decode.
    /// </summary>
    public static Task<string> MpegTs() => Get("h264-aac.ts", output =>
    [
        .. Lavfi($"testsrc2=size={Size}:rate=25:duration=4"),
        .. Lavfi("sine=frequency=440:sample_rate=48000:duration=4"),
        "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25", "-sc_threshold", "0",
        .. Aac(),
        "-f", "mpegts",
        output,
    ]);

    /// <summary>4 s, 25 fps H.264 with B-frames (keyframe every second) + AAC, in Blu-ray MPEG-TS (192-byte packets).</summary>
    public static Task<string> M2ts() => Get("h264-bframes-aac.m2ts", output =>
    [
        .. Lavfi($"testsrc2=size={Size}:rate=25:duration=4"),
        .. Lavfi("sine=frequency=440:sample_rate=48000:duration=4"),
        "-map", "0:v", "-map", "1:a",
        .. X264(gop: 25),
        .. Aac(),
        "-f", "mpegts", "-mpegts_m2ts_mode", "1",
        output,
    ]);

    /// <summary>4 s, 25 fps MPEG-2 video with B-frames (a GOP of 12, as on a DVD) + MP2 audio, in an MPEG program stream (.vob, .mpg).</summary>
    public static Task<string> MpegPs() => Get("mpeg2-mp2.mpg", output =>
    [
        .. Lavfi($"testsrc2=size={Size}:rate=25:duration=4"),
        .. Lavfi("sine=frequency=440:sample_rate=48000:duration=4"),
        "-map", "0:v", "-map", "1:a",
        "-c:v", "mpeg2video", "-g", "12", "-bf", "2", "-b:v", "2M", "-c:a", "mp2",
        "-f", "mpeg",
        output,
    ]);

    /// <summary>4 s, 25 fps plain H.264 + AAC in Matroska.</summary>
    public static Task<string> MkvInput() => Get("plain-h264.mkv", output =>
    [
        .. Lavfi($"testsrc2=size={Size}:rate=25:duration=4"),
        .. Lavfi("sine=frequency=440:sample_rate=48000:duration=4"),
        "-map", "0:v", "-map", "1:a",
        .. X264(gop: 50),
        .. Aac(),
        output,
    ]);

    /// <summary>
    /// 4 s, 25 fps, 192x108 H.264 (keyframe every second) + AAC, in MP4: small enough that every encoder's fastest
    /// preset runs it in seconds, long enough for four 1 s chunks.
    /// </summary>
    public static Task<string> TinyWithAudioMp4() => Get("tiny-h264-aac.mp4", output =>
    [
        .. Lavfi("testsrc2=size=192x108:rate=25:duration=4"),
        .. Lavfi("sine=frequency=440:sample_rate=48000:duration=4"),
        "-map", "0:v", "-map", "1:a",
        .. X264(gop: 25),
        .. Aac(),
        output,
    ]);

    /// <summary>A plain text file named <c>.mp4</c>.</summary>
    public static Task<string> NotAVideo() => GetFile("not-a-video.mp4", async path =>
        await File.WriteAllTextAsync(path, "This is not a video. Flock must refuse it with a clear message.\n").ConfigureAwait(false));

    /// <summary>The first 40 % of the bytes of a non-faststart MP4, so the moov atom (at the end) is missing.</summary>
    public static Task<string> TruncatedMp4() => GetFile("truncated.mp4", async path =>
    {
        var whole = await ConstantFrameRateMp4().ConfigureAwait(false);
        var bytes = await File.ReadAllBytesAsync(whole).ConfigureAwait(false);
        await File.WriteAllBytesAsync(path, bytes.AsMemory(0, bytes.Length * 40 / 100).ToArray()).ConfigureAwait(false);
    });

    /// <summary>
    /// An MP4 with its index first (faststart) that lost its last 4 KB: it probes and lists every packet, but the last
    /// frames' bytes are gone, which only reading them to the end shows.
    /// </summary>
    public static Task<string> TruncatedEndMp4() => GetFile("truncated-end.mp4", async path =>
    {
        var whole = await Get("faststart-h264.mp4", output =>
        [
            .. Lavfi($"testsrc2=size={Size}:rate=25:duration=4"),
            .. X264(gop: 50),
            "-movflags", "+faststart",
            output,
        ]).ConfigureAwait(false);
        var bytes = await File.ReadAllBytesAsync(whole).ConfigureAwait(false);
        await File.WriteAllBytesAsync(path, bytes.AsMemory(0, bytes.Length - 4096).ToArray()).ConfigureAwait(false);
    });

    private static string[] Lavfi(string graph) => ["-f", "lavfi", "-i", graph];

    private static string[] X264(int gop) =>
    [
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-g", gop.ToString(CultureInfo.InvariantCulture), "-sc_threshold", "0",
    ];

    private static string[] Aac() => ["-c:a", "aac", "-b:a", "64k"];

    private static Task<string> Get(string fileName, Func<string, string[]> arguments) =>
        Get(fileName, (output, _) => Task.FromResult(arguments(output)));

    private static Task<string> Get(string fileName, Func<string, string, Task<string[]>> arguments) =>
        GetFile(fileName, async path =>
        {
            var folder = Path.GetDirectoryName(path)!;
            var args = await arguments(path, folder).ConfigureAwait(false);
            await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", .. args]).ConfigureAwait(false);
        });

    /// <summary>Generates <paramref name="fileName"/> once: the writer gets a temporary path that is then renamed into place.</summary>
    private static Task<string> GetFile(string fileName, Func<string, Task> write) =>
        Clips.GetOrAdd(
            fileName,
            name => new Lazy<Task<string>>(
                async () =>
                {
                    var final = Path.Combine(CacheFolder, name);
                    var partial = Path.Combine(CacheFolder, $"partial-{Guid.NewGuid():N}-{name}");
                    await write(partial).ConfigureAwait(false);
                    File.Move(partial, final, overwrite: true);
                    return final;
                },
                LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private static string CreateFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"flock-test-clips-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FLOCK_KEEP_TEST_FILES")))
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            };
        }

        return folder;
    }
}
