using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// The picture as the player sees it (issue 19, item 5): sample aspect ratio, field order, deinterlacing, crop and
/// scale come out of a 2-node encode as they do out of a single-machine one. Where the filters are in play the
/// encode is lossless, so the decoded frames of both must be bit-identical: a filter that saw different neighbours at
/// a chunk boundary would show as one differing frame hash.
/// </summary>
public sealed class PictureTests
{
    [Fact]
    public async Task Anamorphic_source_should_keep_its_sample_aspect_ratio()
    {
        using var scratch = ScratchDirectory.Create("flock-sar");
        var source = scratch.File("pal-16x9.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=720x576:r=25:d=6,setsar=64/45", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", source]);

        var (output, reference) = await EncodeBothAsync(scratch, source, ".mp4", ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23"]);

        Assert.Equal("64:45", await StreamFieldAsync(source, "sample_aspect_ratio"));
        Assert.Equal(await StreamFieldAsync(reference, "sample_aspect_ratio"), await StreamFieldAsync(output, "sample_aspect_ratio"));
        Assert.Equal(await StreamFieldAsync(reference, "display_aspect_ratio"), await StreamFieldAsync(output, "display_aspect_ratio"));
        await MediaComparer.AssertEquivalentAsync(reference, output);
    }

    [Fact]
    public async Task Interlaced_source_should_keep_its_field_order()
    {
        using var scratch = ScratchDirectory.Create("flock-interlaced");
        var source = await InterlacedSourceAsync(scratch);
        // Interlaced coding in, interlaced coding out: the encoder is told so, as on a single machine.
        // MP4, where the field order is read from the coded stream (Matroska's field order element needs ffmpeg's -top).
        var (output, reference) = await EncodeBothAsync(scratch, source, ".mp4", ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-flags", "+ildct+ilme"]);

        Assert.Equal("tt", await StreamFieldAsync(source, "field_order"));
        Assert.Equal(await StreamFieldAsync(reference, "field_order"), await StreamFieldAsync(output, "field_order"));
        await MediaComparer.AssertEquivalentAsync(reference, output);
    }

    [Theory]
    [InlineData("yadif")]
    [InlineData("bwdif=mode=send_frame")]
    [InlineData("yadif=send_frame:tff:interlaced")]
    public async Task Deinterlacing_should_give_the_same_frames_as_a_single_machine(string filter)
    {
        using var scratch = ScratchDirectory.Create("flock-deinterlace");
        var source = await InterlacedSourceAsync(scratch);
        var (output, reference) = await EncodeBothAsync(scratch, source, ".mkv", ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-vf", filter]);

        await MediaComparer.AssertEquivalentAsync(reference, output);
        await AssertSameDecodedFramesAsync(reference, output);
    }

    [Theory]
    [InlineData("bwdif", "filter 'bwdif' in mode send_field sends a frame per field")]
    [InlineData("yadif=mode=send_field", "filter 'yadif' in mode send_field sends a frame per field")]
    [InlineData("yadif=1", "filter 'yadif' in mode 1 sends a frame per field")]
    public async Task Deinterlacing_to_one_frame_per_field_should_be_refused_with_its_reason(string filter, string reason)
    {
        using var scratch = ScratchDirectory.Create("flock-field-rate");
        var source = await InterlacedSourceAsync(scratch);
        var run = await FlockProcess.RunAsync(["encode", source, scratch.File("out.mkv"), "--nodes", "2", "--", "-c:v", "libx264", "-vf", filter]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(reason, run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Crop_and_scale_should_give_the_same_frames_as_a_single_machine()
    {
        using var scratch = ScratchDirectory.Create("flock-crop-scale");
        var source = scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=6", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "2", source]);
        var (output, reference) = await EncodeBothAsync(scratch, source, ".mp4",
            ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-vf", "crop=600:320:12:20,scale=300:160:flags=lanczos,setsar=1"]);

        await MediaComparer.AssertEquivalentAsync(reference, output);
        await AssertSameDecodedFramesAsync(reference, output);
    }

    /// <summary>6 s of top-field-first interlaced 720x576 at 25 frames (50 fields) a second, coded interlaced.</summary>
    private static async Task<string> InterlacedSourceAsync(ScratchDirectory scratch)
    {
        var source = scratch.File("interlaced.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=720x576:r=50:d=6,interlace=scan=tff,setfield=tff",
            "-c:v", "libx264", "-preset", "ultrafast", "-flags", "+ildct+ilme", "-g", "25", source]);
        return source;
    }

    private static async Task<(string Output, string Reference)> EncodeBothAsync(ScratchDirectory scratch, string source, string extension, string[] options)
    {
        var output = scratch.File("flock" + extension);
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1.5", "--", .. options]);
        Assert.True(run.ExitCode == 0, $"flock encode failed ({run.ExitCode}):\n{run.Stderr}");
        var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference" + extension), options);
        return (output, reference);
    }

    private static async Task<string> StreamFieldAsync(string file, string field)
    {
        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-show_entries", $"stream={field}", "-of", "default=nw=1:nk=1", file]);
        return probe.StandardOutput.Trim();
    }

    /// <summary>Both files decode to the same pictures, frame by frame (framemd5 of the decoded video, timestamps aside).</summary>
    private static async Task AssertSameDecodedFramesAsync(string reference, string actual)
    {
        var expected = await FrameHashesAsync(reference);
        var got = await FrameHashesAsync(actual);
        Assert.True(expected.Count > 0, "the reference decoded to no frames");
        Assert.Equal(expected.Count, got.Count);
        var first = Enumerable.Range(0, expected.Count).FirstOrDefault(i => expected[i] != got[i], -1);
        Assert.True(first < 0, $"decoded frame #{first} differs from the single-machine encode's");
    }

    private static async Task<IReadOnlyList<string>> FrameHashesAsync(string file)
    {
        var run = await FfmpegTool.FfmpegAsync(["-v", "error", "-i", file, "-map", "0:v:0", "-f", "framemd5", "-"]);
        return run.StandardOutput.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(',').Last().Trim()).ToList();
    }
}
