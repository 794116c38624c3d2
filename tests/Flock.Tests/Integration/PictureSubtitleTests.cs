using System.Buffers.Binary;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// A Blu-ray remux's PGS subtitles into MP4 failed the job at the join, after every chunk had been encoded: picture
/// subtitles cannot become mov_text or WebVTT, and ffmpeg writes none into MP4. Matroska keeps them; MP4 and WebM
/// leave them out with a warning at submit; subtitle options that would send them there are refused before any encode.
/// </summary>
public sealed class PictureSubtitleTests
{
    [Theory]
    [InlineData(".mkv", null)]
    [InlineData(".mp4", "MP4")]
    [InlineData(".webm", "WebM")]
    public async Task Pgs_subtitles_should_be_kept_in_matroska_and_left_out_of_mp4_and_webm_with_a_warning(string extension, string? losingContainer)
    {
        using var scratch = ScratchDirectory.Create("flock-pgs");
        var source = await SourceWithPgsAsync(scratch);
        var output = scratch.File("out" + extension);
        string[] options = extension == ".webm" ? ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-crf", "40", "-b:v", "0"] : [.. ReferenceEncode.DefaultVideoOptions];

        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "2", "--", .. options]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var subtitles = (await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "s", "-show_entries", "packet=pts,data_hash", "-show_data_hash", "MD5", "-of", "csv=p=0", output])).StandardOutput.Trim();
        if (losingContainer is null)
        {
            // Every subtitle packet, at its time, with its very bytes.
            var expected = (await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "s", "-show_entries", "packet=pts,data_hash", "-show_data_hash", "MD5", "-of", "csv=p=0", source])).StandardOutput.Trim();
            Assert.Equal(expected, subtitles);
            Assert.DoesNotContain("warning:", run.Stdout + run.Stderr, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("", subtitles);
            Assert.Contains($"warning: the source's picture subtitles (stream 2, hdmv_pgs_subtitle) cannot be kept in {losingContainer}", run.Stdout + run.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Subtitle_options_that_send_pgs_into_mp4_should_fail_the_job_before_any_chunk_is_encoded()
    {
        using var scratch = ScratchDirectory.Create("flock-pgs-refused");
        var source = await SourceWithPgsAsync(scratch);

        var run = await FlockProcess.RunAsync(["encode", source, scratch.File("out.mp4"), "--nodes", "2", "--chunk-seconds", "2", "--", .. ReferenceEncode.DefaultVideoOptions, "-c:s", "copy"],
            env: new Dictionary<string, string> { ["FLOCK_VERBOSE"] = "1" });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("cannot go into MP4 as `-c:s copy` asks", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("verified:", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The 6 s clip with audio (<see cref="TestClips.ConstantFrameRateMp4"/>) and one PGS subtitle (a 4x2 picture shown from 1 s to 3 s), in Matroska.</summary>
    private static async Task<string> SourceWithPgsAsync(ScratchDirectory scratch)
    {
        var plain = await TestClips.ConstantFrameRateMp4();
        var sup = scratch.File("subtitles.sup");
        await File.WriteAllBytesAsync(sup, [.. PgsDisplaySet(90_000, show: true), .. PgsDisplaySet(3 * 90_000, show: false)]);
        var source = scratch.File("remux.mkv");
        await FfmpegTool.FfmpegAsync(["-y", "-i", plain, "-i", sup, "-map", "0", "-map", "1", "-c", "copy", source]);
        return source;
    }

    /// <summary>
    /// One PGS display set (composition, window, palette and object, end), as a Blu-ray carries it: ffmpeg can convert
    /// picture subtitles only into other picture subtitles, so a test source has to be written by hand.
    /// </summary>
    private static byte[] PgsDisplaySet(uint pts, bool show)
    {
        var set = new List<byte>();
        void Segment(byte type, byte[] payload)
        {
            var header = new byte[13];
            header[0] = (byte)'P';
            header[1] = (byte)'G';
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(2), pts);
            header[10] = type;
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(11), (ushort)payload.Length);
            set.AddRange(header);
            set.AddRange(payload);
        }
        // Presentation composition: 320x180, composition 1 (shown, one object at 10,10) or 2 (cleared, none).
        Segment(0x16, show ? [1, 64, 0, 180, 0x10, 0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 10, 0, 10] : [1, 64, 0, 180, 0x10, 0, 2, 0, 0, 0, 0]);
        Segment(0x17, [1, 0, 0, 10, 0, 10, 0, 4, 0, 2]);
        if (show)
        {
            Segment(0x14, [0, 0, 1, 235, 128, 128, 255]);
            byte[] lines = [1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0];
            Segment(0x15, [0, 0, 0, 0xC0, 0, 0, (byte)(4 + lines.Length), 0, 4, 0, 2, .. lines]);
        }
        Segment(0x80, []);
        return [.. set];
    }
}
