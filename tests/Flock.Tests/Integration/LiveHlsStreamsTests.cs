using System.Globalization;
using System.Net;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// A live job's HLS carries what the output carries: its audio, in sync from the first segment on, for MP4 and MKV
/// sources and x264, x265 and SVT-AV1 outputs; read back through the playlist it equals the output.
/// </summary>
public sealed class LiveHlsStreamsTests
{
    private const string ReadToken = "live-read-only-token";

    [Fact]
    public async Task Live_job_with_audio_should_publish_the_outputs_audio_packets_in_sync_with_the_video_from_the_first_segment()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("live-a", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await cluster.PacedFfmpegAsync() });
        var source = cluster.Scratch.File("source.mp4");
        // 44.1 kHz AAC: 1024-sample frames never line up with the 2 s chunk cuts, so every boundary splits the audio between frames.
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=10", "-f", "lavfi", "-i", "sine=f=440:r=44100:d=10",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "3", "-c:a", "aac", "-shortest", source]);
        string[] options = ["-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-bf", "3", "-threads", "1"];

        var (id, running) = await SubmitLiveAsync(cluster, source, "live.mp4", options);
        Assert.DoesNotContain("#EXT-X-ENDLIST", running);
        // From the first segment on, the audio is there: the init a player reads first declares both tracks.
        var init = cluster.Scratch.File("running-init.mp4");
        await File.WriteAllBytesAsync(init, await cluster.Http.GetByteArrayAsync($"jobs/{id}/live/init.mp4"));
        var firstSegment = cluster.Scratch.File("running-first.mp4");
        await File.WriteAllBytesAsync(firstSegment, [.. await File.ReadAllBytesAsync(init), .. await cluster.Http.GetByteArrayAsync($"jobs/{id}/live/{Segments(running)[0]}")]);
        Assert.Equal("video\naudio", await StreamTypesAsync(firstSegment));

        var output = await WaitAndFetchAsync(cluster, id, "live.mp4");
        var (playlist, segments) = await CopyLiveAsync(cluster, id);

        Assert.Equal(await PacketsAsync(output, "v:0"), await PacketsAsync(playlist, "v:0"));
        var outputAudio = await PacketsAsync(output, "a:0");
        var liveAudio = await PacketsAsync(playlist, "a:0");
        Assert.True(outputAudio.Count > 400, $"{outputAudio.Count} audio packets in the output");
        // Every audio packet of the output, once, at its own time: no frame lost or repeated at any chunk boundary.
        Assert.Equal(outputAudio, liveAudio);

        // Segment by segment (each read with the init, as a player appends them): the audio continues exactly where the
        // previous segment's stopped, and where a chunk starts, the audio starts within one audio frame of the video.
        var frame = 1024.0 / 44100;
        var chunkStarts = (await PacketTimesAsync(output, "v:0")).Select(t => t.Pts).Order().Where((_, i) => i % 50 == 0).ToHashSet();
        var expectedNext = outputAudio.Count > 0 ? (await PacketTimesAsync(output, "a:0"))[0].Pts : 0;
        var boundaries = 0;
        foreach (var name in segments)
        {
            var file = cluster.Scratch.File($"joined-{name}.mp4");
            await File.WriteAllBytesAsync(file, [.. await File.ReadAllBytesAsync(Path.Combine(Path.GetDirectoryName(playlist)!, "init.mp4")),
                .. await File.ReadAllBytesAsync(Path.Combine(Path.GetDirectoryName(playlist)!, name))]);
            var video = await PacketTimesAsync(file, "v:0");
            var audio = await PacketTimesAsync(file, "a:0");
            Assert.True(audio.Count > 0, $"segment {name} has no audio");
            Assert.True(Math.Abs(audio[0].Pts - expectedNext) < 1e-6, $"segment {name}: audio starts at {audio[0].Pts}, the previous segment ended at {expectedNext}");
            expectedNext = audio[^1].Pts + audio[^1].Duration;
            var videoStart = video.Min(p => p.Pts);
            if (chunkStarts.Contains(videoStart) && videoStart > 0)
            {
                boundaries++;
                Assert.True(audio[0].Pts >= videoStart - 1e-6 && audio[0].Pts - videoStart < frame,
                    $"chunk boundary in {name}: video from {videoStart}, audio from {audio[0].Pts}");
            }
        }
        Assert.Equal(4, boundaries); // chunks 1 to 4 each start a segment
        var outputAudioSeconds = await DurationAsync(output, "a:0");
        Assert.True(Math.Abs(await DurationAsync(playlist, "a:0") - outputAudioSeconds) < frame, "the live audio lasts as long as the output's");
    }

    [Fact]
    public async Task Live_job_with_subtitles_should_publish_them_as_a_webvtt_rendition_with_the_sources_cue_times()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync(config: $"flock.seed.read-only-tokens = [\"{ReadToken}\"]\n");
        await cluster.StartNodeAsync("live-a", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await cluster.PacedFfmpegAsync() });
        var srt = cluster.Scratch.File("cues.srt");
        await File.WriteAllTextAsync(srt, "1\n00:00:00,500 --> 00:00:01,500\nfirst\n\n2\n00:00:02,480 --> 00:00:03,820\nacross a chunk start\n\n"
            + "3\n00:00:05,000 --> 00:00:05,960\nthird\n");
        var source = cluster.Scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=6", "-f", "lavfi", "-i", "sine=d=6", "-i", srt,
            "-map", "0", "-map", "1", "-map", "2", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "3", "-c:a", "aac", "-c:s", "mov_text",
            "-metadata:s:s:0", "language=eng", source]);
        string[] options = ["-c:v", "libx264", "-preset", "veryfast", "-bf", "3"];

        var (id, _) = await SubmitLiveAsync(cluster, source, "subs.mp4", options, "video.m3u8");
        var master = await cluster.Http.GetStringAsync($"jobs/{id}/live/index.m3u8");
        Assert.Contains("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",NAME=\"eng\",LANGUAGE=\"eng\",DEFAULT=YES,AUTOSELECT=YES,URI=\"subtitles.m3u8\"\n", master);
        Assert.Contains("#EXT-X-STREAM-INF:BANDWIDTH=1000000,SUBTITLES=\"subs\"\nvideo.m3u8\n", master);
        // A player given ?token= finds it on the rendition's URI too.
        var withQuery = await cluster.CreateClient(token: null).GetStringAsync($"jobs/{id}/live/index.m3u8?token={ReadToken}");
        Assert.Contains($"URI=\"subtitles.m3u8?token={ReadToken}\"", withQuery);
        Assert.Contains($"\nvideo.m3u8?token={ReadToken}\n", withQuery);
        var subtitlesPlaylist = await cluster.Http.GetStringAsync($"jobs/{id}/live/subtitles.m3u8");
        Assert.Contains("\nsubtitles.vtt\n#EXT-X-ENDLIST\n", subtitlesPlaylist);

        var output = await WaitAndFetchAsync(cluster, id, "subs.mp4");
        var (playlist, _) = await CopyLiveAsync(cluster, id, "video.m3u8");
        Assert.Equal(await PacketsAsync(output, "v:0"), await PacketsAsync(playlist, "v:0"));

        // Every cue at the time the source (and the output) has it.
        var vtt = await cluster.Http.GetStringAsync($"jobs/{id}/live/subtitles.vtt");
        var cues = vtt.Split('\n').Where(l => l.Contains("-->", StringComparison.Ordinal))
            .Select(l => l.Split("-->", StringSplitOptions.TrimEntries).Select(t => TimeSpan.ParseExact(t.Split(' ')[0], [@"hh\:mm\:ss\.fff", @"mm\:ss\.fff"], CultureInfo.InvariantCulture).TotalSeconds).ToArray())
            .ToList();
        foreach (var file in new[] { source, output })
        {
            // mov_text fills the gaps between cues with empty samples (2 bytes: a zero text length); those are no cues.
            var expected = (await ProbePacketsAsync(file, "s:0", "pts_time,duration_time,size")).Select(l => l.Split(',')).Where(f => int.Parse(f[2], CultureInfo.InvariantCulture) > 2)
                .Select(f => (Math.Round(double.Parse(f[0], CultureInfo.InvariantCulture), 3), Math.Round(double.Parse(f[0], CultureInfo.InvariantCulture) + double.Parse(f[1], CultureInfo.InvariantCulture), 3)));
            Assert.Equal(expected, cues.Select(c => (c[0], c[1])));
        }
        Assert.Equal([(0.5, 1.5), (2.48, 3.82), (5.0, 5.96)], cues.Select(c => (c[0], c[1])));
    }

    [Theory]
    [InlineData("mkv", "libx264", "copy")]
    [InlineData("mp4", "libx265", "copy")]
    [InlineData("mp4", "libsvtav1", "copy")]
    [InlineData("mp4", "libx264", "aac")]
    public async Task Live_playlist_should_play_the_outputs_frames_and_audio_at_its_timestamps_for_this_source_container_encoder_and_audio(string container, string encoder,
        string audio)
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("live-a", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await cluster.PacedFfmpegAsync() });
        var source = cluster.Scratch.File($"source.{container}");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=6", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=6",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "3", "-c:a", "aac", "-shortest", source]);
        string[] options = encoder switch
        {
            "libx265" => ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"],
            "libsvtav1" => ["-c:v", "libsvtav1", "-preset", "12"],
            _ => ["-c:v", "libx264", "-preset", "veryfast", "-bf", "3"],
        };
        // Re-encoded audio: the live view encodes it once, as the output does, rather than chunk by chunk.
        if (audio == "aac") options = [.. options, "-c:a", "aac", "-b:a", "64k"];

        var (id, running) = await SubmitLiveAsync(cluster, source, "out.mp4", options);
        Assert.DoesNotContain("#EXT-X-ENDLIST", running);
        var output = await WaitAndFetchAsync(cluster, id, "out.mp4");
        var (playlist, _) = await CopyLiveAsync(cluster, id);

        var outputVideo = await PacketsAsync(output, "v:0");
        Assert.Equal(150, outputVideo.Count);
        Assert.Equal(outputVideo, await PacketsAsync(playlist, "v:0"));
        Assert.Equal(await FrameTimesAsync(output), await FrameTimesAsync(playlist));
        Assert.Equal(await PacketsAsync(output, "a:0"), await PacketsAsync(playlist, "a:0"));
        // Safari plays HEVC in fMP4 only from an hvc1 sample entry (ffmpeg writes hev1 unless told).
        if (encoder == "libx265")
        {
            var tag = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_tag_string", "-of", "csv=p=0",
                Path.Combine(Path.GetDirectoryName(playlist)!, "init.mp4")]);
            Assert.Equal("hvc1", tag.StandardOutput.Trim());
        }
    }

    [Fact]
    public async Task Live_view_of_a_source_whose_audio_fmp4_cannot_carry_should_still_publish_every_frame_of_the_video()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("live-a");
        var source = cluster.Scratch.File("source.mkv");
        // PCM in Matroska: the MKV output copies it, but MP4 (and so an fMP4 segment) has no sample entry for it.
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=4", "-f", "lavfi", "-i", "sine=d=4",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "pcm_s16le", source]);
        var submit = await cluster.PbmAsync(["job", "submit", source, cluster.Scratch.File("out.mkv"), "--chunk-seconds", "2", "--detach", "--live", "--keep-live",
            "--", "-c:v", "libx264", "-preset", "veryfast"]);
        Assert.True(submit.ExitCode == 0, submit.Stderr);
        var id = submit.Stdout.Trim();
        var output = await WaitAndFetchAsync(cluster, id, "out.mkv");
        Assert.Equal("video\naudio", await StreamTypesAsync(output));
        var (playlist, _) = await CopyLiveAsync(cluster, id);
        Assert.Equal("video", await StreamTypesAsync(Path.Combine(Path.GetDirectoryName(playlist)!, "init.mp4")));
        Assert.Equal(100, (await PacketsAsync(playlist, "v:0")).Count);
        Assert.Equal((await FrameTimesAsync(output)).Select(Md5), (await FrameTimesAsync(playlist)).Select(Md5));
    }

    /// <summary>A framemd5 line's hash (its last field): the Matroska output rounds timestamps to milliseconds, the live segments do not.</summary>
    private static string Md5(string line) => line.Split(',')[^1].Trim();

    /// <summary>Submits with --live --keep-live and returns the job id and its playlist as first seen with segments while the job still encoded.</summary>
    private static async Task<(string Id, string Running)> SubmitLiveAsync(TestCluster cluster, string source, string output, string[] options,
        string mediaPlaylist = "index.m3u8")
    {
        var submit = await cluster.PbmAsync(["job", "submit", source, cluster.Scratch.File(output), "--chunk-seconds", "2", "--detach", "--live", "--keep-live", "--", .. options]);
        Assert.True(submit.ExitCode == 0, submit.Stderr);
        var id = submit.Stdout.Trim();
        while (true)
        {
            using var response = await cluster.Http.GetAsync($"jobs/{id}/live/{mediaPlaylist}");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound, $"{response.StatusCode}: {text}");
            var state = (await cluster.JobAsync(id)).GetProperty("state").GetString();
            Assert.True(state is "queued" or "planning" or "encoding" or "assembling", $"the job ended ({state}) before its playlist was seen with segments:\n{text}");
            if (response.IsSuccessStatusCode && text.Contains("#EXTINF", StringComparison.Ordinal) && state == "encoding") return (id, text);
            await Task.Delay(100);
        }
    }

    private static async Task<string> WaitAndFetchAsync(TestCluster cluster, string id, string name)
    {
        var done = await cluster.WaitForJobAsync(id, j => j.GetProperty("state").GetString() is "completed" or "failed", TimeSpan.FromMinutes(4), $"job {id} to end");
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        var path = cluster.Scratch.File("fetched-" + name);
        var fetched = await cluster.PbmAsync("job", "fetch", id, path);
        Assert.True(fetched.ExitCode == 0, fetched.Stderr);
        return path;
    }

    /// <summary>The ended playlist and every file it names, fetched as a player would into a folder; the playlist's path there and its segment names.</summary>
    private static async Task<(string Playlist, List<string> Segments)> CopyLiveAsync(TestCluster cluster, string id, string mediaPlaylist = "index.m3u8")
    {
        var final = await cluster.Http.GetStringAsync($"jobs/{id}/live/{mediaPlaylist}");
        Assert.EndsWith("#EXT-X-ENDLIST\n", final);
        var copy = cluster.Scratch.File("hls");
        Directory.CreateDirectory(copy);
        await File.WriteAllTextAsync(Path.Combine(copy, "index.m3u8"), final);
        var segments = Segments(final);
        foreach (var name in segments.Append("init.mp4"))
            await File.WriteAllBytesAsync(Path.Combine(copy, name), await cluster.Http.GetByteArrayAsync($"jobs/{id}/live/{name}"));
        return (Path.Combine(copy, "index.m3u8"), segments);
    }

    private static List<string> Segments(string playlist) => playlist.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

    private static async Task<string> StreamTypesAsync(string path) =>
        (await FfmpegTool.FfprobeAsync(["-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", path])).StandardOutput.Trim().ReplaceLineEndings("\n");

    /// <summary>A stream's packets as pts_time,dts_time in decode order: comparable across time bases.</summary>
    private static async Task<List<string>> PacketsAsync(string path, string stream) => await ProbePacketsAsync(path, stream, "pts_time,dts_time");

    private static async Task<List<string>> ProbePacketsAsync(string path, string stream, string entries)
    {
        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", stream, "-show_entries", "packet=" + entries, "-of", "csv=p=0", path]);
        // A packet with side data (the AAC priming's skip samples) gets an empty field of its own after its entries.
        return probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.TrimEnd(',')).ToList();
    }

    private static async Task<List<(double Pts, double Duration)>> PacketTimesAsync(string path, string stream) =>
        (await ProbePacketsAsync(path, stream, "pts_time,duration_time")).Select(l => l.Split(','))
            .Select(f => (double.Parse(f[0], CultureInfo.InvariantCulture), f[1] == "N/A" ? 0 : double.Parse(f[1], CultureInfo.InvariantCulture))).ToList();

    private static async Task<double> DurationAsync(string path, string stream) =>
        (await PacketTimesAsync(path, stream)).Sum(p => p.Duration);

    /// <summary>The decoded video frames' md5s with their own timestamps (-copyts: not shifted by where each reader thinks the file starts).</summary>
    private static async Task<List<string>> FrameTimesAsync(string path)
    {
        var run = await FfmpegTool.FfmpegAsync(["-v", "error", "-copyts", "-i", path, "-map", "0:v:0", "-f", "framemd5", "-"]);
        return run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
    }
}
