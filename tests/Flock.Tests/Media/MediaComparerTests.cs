using Flock.Tests.Support;
using Xunit;
using Xunit.Sdk;

namespace Flock.Tests.Media;

/// <summary>The comparer accepts identical media and rejects each kind of damage with a clear message.</summary>
public sealed class MediaComparerTests
{
    [Fact]
    public async Task Comparer_should_accept_a_file_compared_with_itself()
    {
        var clip = await TestClips.MultiAudioWithLanguagesMkv();

        await MediaComparer.AssertEquivalentAsync(clip, clip);
    }

    [Fact]
    public async Task Comparer_should_reject_a_file_missing_one_frame()
    {
        using var scratch = ScratchDirectory.Create();
        var reference = await ReferenceEncode.EncodeAsync(await TestClips.ConstantFrameRateMp4(), scratch.File("reference.mp4"), Fast);
        var shortened = await ReferenceEncode.EncodeAsync(reference, scratch.File("shortened.mp4"), [.. Fast, "-frames:v", "149"]);

        var error = await Assert.ThrowsAnyAsync<XunitException>(() => MediaComparer.AssertEquivalentAsync(reference, shortened));

        Assert.Contains("video frame count: expected 150, actual 149", error.Message, StringComparison.Ordinal);
        Assert.Contains("first differing video frame #149 (sorted by pts): expected 5.960000 s, actual (none)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Comparer_should_reject_a_file_missing_an_audio_track()
    {
        using var scratch = ScratchDirectory.Create();
        var clip = await TestClips.MultiAudioWithLanguagesMkv();
        var withoutFrench = scratch.File("without-french.mkv");
        await FfmpegTool.FfmpegAsync(
            ["-loglevel", "error", "-i", clip, "-map", "0", "-map", "-0:a:1", "-map_metadata", "0", "-map_chapters", "0", "-c", "copy", withoutFrench]);

        var error = await Assert.ThrowsAnyAsync<XunitException>(() => MediaComparer.AssertEquivalentAsync(clip, withoutFrench));

        Assert.Contains("missing audio stream audio:1 (expected #2 audio aac lang=fra", error.Message, StringComparison.Ordinal);
        Assert.Contains("stream order: expected [video, audio, audio, subtitle], actual [video, audio, subtitle]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Comparer_should_reject_a_file_that_lost_its_chapters_title_and_languages()
    {
        using var scratch = ScratchDirectory.Create();
        var clip = await TestClips.MultiAudioWithLanguagesMkv();
        var stripped = scratch.File("stripped.mkv");
        await FfmpegTool.FfmpegAsync(
            ["-loglevel", "error", "-i", clip, "-map", "0", "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy", stripped]);

        var error = await Assert.ThrowsAnyAsync<XunitException>(() => MediaComparer.AssertEquivalentAsync(clip, stripped));

        Assert.Contains("chapter count: expected 2", error.Message, StringComparison.Ordinal);
        Assert.Contains($"global title: expected \"{TestClips.MultiAudioTitle}\", actual (none)", error.Message, StringComparison.Ordinal);
        Assert.Contains("audio stream audio:1 language: expected \"fra\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("video frame", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Comparer_should_report_the_first_shifted_frame_with_both_timestamps()
    {
        var expected = Report([0.0, 0.04, 0.08, 0.12]);
        var actual = Report([0.0, 0.04, 0.0800011, 0.12]);

        var difference = Assert.Single(MediaComparer.FindDifferences(expected, actual));

        Assert.Equal(
            "first differing video frame #2 (sorted by pts): expected 0.080000 s, actual 0.080001 s (previous frame: expected 0.040000 s, actual 0.040000 s)",
            difference);
    }

    [Fact]
    public void Comparer_should_accept_timestamps_within_one_microsecond()
    {
        Assert.Empty(MediaComparer.FindDifferences(Report([0.0, 1.0 / 30, 2.0 / 30]), Report([0.0, 0.0333335, 0.0666665])));
    }

    [Fact]
    public async Task Psnr_check_should_accept_a_faithful_reencode()
    {
        using var scratch = ScratchDirectory.Create();
        var source = await TestClips.ConstantFrameRateMp4();
        var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference.mp4"), Fast);

        await MediaComparer.AssertFramePsnrAtLeastAsync(source, reference, 30);
    }

    [Fact]
    public async Task Psnr_check_should_reject_a_file_with_a_duplicated_frame()
    {
        using var scratch = ScratchDirectory.Create();
        var reference = await ReferenceEncode.EncodeAsync(await TestClips.ConstantFrameRateMp4(), scratch.File("reference.mp4"), Fast);
        var duplicated = await ReferenceEncode.EncodeAsync(
            reference, scratch.File("duplicated.mp4"), [.. Fast, "-vf", "split[main][copy];[main][copy]freezeframes=first=60:last=60:replace=59"]);

        // Same frame count and timestamps: only the pictures give the duplicate away.
        await MediaComparer.AssertEquivalentAsync(reference, duplicated);
        var error = await Assert.ThrowsAnyAsync<XunitException>(() => MediaComparer.AssertFramePsnrAtLeastAsync(reference, duplicated, 30));

        Assert.Contains("1 of 150 frame(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("First: frame #60 at", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Near-lossless and quick: keeps PSNR against the source high while encoding fast.</summary>
    private static readonly string[] Fast = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "12"];

    private static MediaReport Report(double[] frames) => new(
        "synthetic.mkv",
        "matroska,webm",
        null,
        new Dictionary<string, string>(),
        [new StreamReport(0, "video", "h264", null, null, "1/1000", "yuv420p", 320, 240, false, frames.Length, frames[0], frames[^1])],
        [],
        frames,
        [frames[0]]);
}
