using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>Every clip generator produces a decodable file of the promised kind.</summary>
public sealed class TestClipsTests
{
    [Fact]
    public async Task Constant_frame_rate_clip_should_be_25_fps_h264_with_b_frames_gop_50_and_aac()
    {
        var clip = await TestClips.ConstantFrameRateMp4();
        var report = await MediaReport.ReadAsync(clip);

        Assert.Equal("h264", report.Video?.CodecName);
        Assert.Equal(150, report.VideoFrameCount);
        Assert.All(Intervals(report.VideoFrameTimestamps), d => Assert.Equal(0.04, d, 6));
        Assert.Equal([0.0, 2.0, 4.0], report.VideoKeyframeTimestamps);
        Assert.Contains('B', await DecodePictureTypesAsync(clip));
        Assert.Equal("aac", Assert.Single(report.AudioStreams).CodecName);
    }

    [Fact]
    public async Task Variable_frame_rate_clip_should_have_irregular_frame_intervals()
    {
        var clip = await TestClips.VariableFrameRateMp4();
        var report = await MediaReport.ReadAsync(clip);

        Assert.Equal("1/90000", report.Video?.TimeBase);
        Assert.Equal(20 + 60 + 48, report.VideoFrameCount);
        var distinct = Intervals(report.VideoFrameTimestamps).Select(d => Math.Round(d, 4)).Distinct().Order().ToArray();
        Assert.True(distinct.Length >= 3, $"expected at least 3 distinct frame intervals, got [{string.Join(", ", distinct)}]");
        Assert.Contains(0.1, distinct);
        Assert.Contains(0.0333, distinct);
        Assert.Contains(0.0417, distinct);
        await DecodePictureTypesAsync(clip);
    }

    [Fact]
    public async Task Open_gop_clip_should_be_hevc_with_several_keyframes()
    {
        var clip = await TestClips.OpenGopHevcMp4();
        var report = await MediaReport.ReadAsync(clip);

        Assert.Equal("hevc", report.Video?.CodecName);
        Assert.Equal(150, report.VideoFrameCount);
        Assert.True(report.VideoKeyframeCount >= 3, $"expected several keyframes, got {report.VideoKeyframeCount}");

        // Open GOP: some frame that follows a later keyframe in decode order is shown before it (a leading picture).
        var packets = (await FfmpegTool.FfprobeAsync(
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,flags", "-of", "csv=p=0", clip]))
            .StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(','))
            .Select(f => (Pts: long.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), Key: f[1].Contains('K', StringComparison.Ordinal)))
            .ToArray();
        var leading = Enumerable.Range(1, packets.Length - 1)
            .Where(i => packets[i].Key)
            .Count(i => packets.Skip(i + 1).TakeWhile(p => !p.Key).Any(p => p.Pts < packets[i].Pts));
        Assert.True(leading >= 1, "expected leading pictures after a non-first keyframe (open GOP)");
        await DecodePictureTypesAsync(clip);
    }

    [Fact]
    public async Task Ten_bit_clip_should_be_hevc_in_yuv420p10le_matroska()
    {
        var clip = await TestClips.TenBitHevcMkv();
        var report = await MediaReport.ReadAsync(clip);

        Assert.Contains("matroska", report.FormatName, StringComparison.Ordinal);
        Assert.Equal("hevc", report.Video?.CodecName);
        Assert.Equal("yuv420p10le", report.Video?.PixelFormat);
        Assert.Equal(100, report.VideoFrameCount);
        await DecodePictureTypesAsync(clip);
    }

    [Fact]
    public async Task Single_keyframe_clip_should_have_exactly_one_keyframe_in_ten_seconds()
    {
        var clip = await TestClips.SingleKeyframeMkv();
        var report = await MediaReport.ReadAsync(clip);

        Assert.Equal(250, report.VideoFrameCount);
        Assert.Single(report.VideoKeyframeTimestamps);
        Assert.InRange(report.VideoFrameTimestamps[^1] - report.VideoFrameTimestamps[0], 9.9, 10.0);
        var types = await DecodePictureTypesAsync(clip);
        Assert.Equal(1, types.Count(t => t == 'I'));
    }

    [Fact]
    public async Task Multi_audio_clip_should_have_two_languages_a_subtitle_and_two_chapters()
    {
        var clip = await TestClips.MultiAudioWithLanguagesMkv();
        var report = await MediaReport.ReadAsync(clip);

        Assert.Equal(["video", "audio", "audio", "subtitle"], report.Streams.Select(s => s.CodecType));
        Assert.Equal(["eng", "fra"], report.AudioStreams.Select(s => s.Language));
        var subtitle = Assert.Single(report.SubtitleStreams);
        Assert.Equal(("subrip", "ger", 3), (subtitle.CodecName, subtitle.Language, subtitle.PacketCount));
        Assert.Equal(
            [new ChapterReport(0, 4, "Opening"), new ChapterReport(4, 8, "Ending")],
            report.Chapters);
        Assert.Equal(TestClips.MultiAudioTitle, report.Title);
        Assert.Equal(200, report.VideoFrameCount);
        await DecodePictureTypesAsync(clip);
    }

    [Fact]
    public async Task Audio_longer_clip_should_end_its_audio_two_seconds_after_the_video()
    {
        var report = await MediaReport.ReadAsync(await TestClips.AudioLongerThanVideoMp4());

        Assert.InRange(Assert.Single(report.AudioStreams).EndSeconds!.Value - VideoEnd(report), 1.9, 2.1);
    }

    [Fact]
    public async Task Audio_shorter_clip_should_end_its_audio_two_seconds_before_the_video()
    {
        var report = await MediaReport.ReadAsync(await TestClips.AudioShorterThanVideoMp4());

        Assert.InRange(VideoEnd(report) - Assert.Single(report.AudioStreams).EndSeconds!.Value, 1.9, 2.1);
    }

    [Fact]
    public async Task Avi_clip_should_be_mpeg4_with_b_frames_and_mp3_audio()
    {
        var clip = await TestClips.AviWithPackedBFrames();
        var report = await MediaReport.ReadAsync(clip);

        Assert.Equal("avi", report.FormatName);
        Assert.Equal("mpeg4", report.Video?.CodecName);
        Assert.Equal("mp3", Assert.Single(report.AudioStreams).CodecName);
        Assert.Equal(100, report.VideoFrameCount);
        Assert.All(Intervals(report.VideoFrameTimestamps), d => Assert.Equal(0.04, d, 6));
        Assert.Contains('B', await DecodePictureTypesAsync(clip));
    }

    [Fact]
    public async Task Mkv_clip_should_be_plain_h264_in_matroska()
    {
        var clip = await TestClips.MkvInput();
        var report = await MediaReport.ReadAsync(clip);

        Assert.Contains("matroska", report.FormatName, StringComparison.Ordinal);
        Assert.Equal("h264", report.Video?.CodecName);
        Assert.Equal(100, report.VideoFrameCount);
        Assert.Equal("aac", Assert.Single(report.AudioStreams).CodecName);
        await DecodePictureTypesAsync(clip);
    }

    [Fact]
    public async Task Not_a_video_clip_should_not_be_probeable()
    {
        var clip = await TestClips.NotAVideo();

        Assert.EndsWith(".mp4", clip, StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<FfmpegToolException>(() => MediaReport.ReadAsync(clip));
        Assert.Contains("Invalid data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_clip_should_not_be_probeable()
    {
        var clip = await TestClips.TruncatedMp4();

        Assert.InRange(new FileInfo(clip).Length, 1, new FileInfo(await TestClips.ConstantFrameRateMp4()).Length / 2);
        var error = await Assert.ThrowsAsync<FfmpegToolException>(() => MediaReport.ReadAsync(clip));
        Assert.Contains("moov atom not found", error.Message, StringComparison.Ordinal);
    }

    private static double[] Intervals(IReadOnlyList<double> timestamps) =>
        timestamps.Zip(timestamps.Skip(1), (a, b) => b - a).ToArray();

    private static double VideoEnd(MediaReport report) =>
        report.VideoFrameTimestamps[^1] + (report.VideoFrameTimestamps[^1] - report.VideoFrameTimestamps[^2]);

    /// <summary>Decodes every video frame; fails on any decoder error; returns the picture types in display order.</summary>
    private static async Task<string> DecodePictureTypesAsync(string path)
    {
        var result = await FfmpegTool.FfprobeAsync(
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pict_type", "-of", "csv=p=0", path]);
        Assert.True(string.IsNullOrWhiteSpace(result.StandardError), $"decoding {path} reported errors:\n{result.StandardError}");
        var types = string.Concat(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.NotEmpty(types);
        return types;
    }
}
