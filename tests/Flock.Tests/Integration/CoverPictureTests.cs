using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// A source's cover picture (MP4's covr, a Matroska image attachment) was silently left out of the output. It is kept
/// byte for byte: as a cover picture in MP4, as an attachment in Matroska (mapped as a stream it would be a one-frame
/// video track there), and WebM, which holds none, is warned about.
/// </summary>
public sealed class CoverPictureTests
{
    [Theory]
    [InlineData(".mp4", "png", ".mp4")]
    [InlineData(".mp4", "mjpeg", ".mkv")]
    [InlineData(".mkv", "png", ".mkv")]
    [InlineData(".mkv", "mjpeg", ".mp4")]
    public async Task A_cover_picture_should_reach_the_output_byte_for_byte_as_a_cover_of_its_container(string sourceExtension, string coverCodec, string outputExtension)
    {
        using var scratch = ScratchDirectory.Create("flock-cover");
        var (source, cover) = await SourceWithCoverAsync(scratch, sourceExtension, coverCodec);
        var output = scratch.File("out" + outputExtension);

        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "2", "--", .. ReferenceEncode.DefaultVideoOptions]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var streams = await StreamsAsync(output);
        Assert.Equal(["video h264 0", "audio aac 0", $"video {coverCodec} 1"], streams.Select(s => $"{s[1]} {s[2]} {s[3]}"));
        Assert.Equal(await FileHashAsync(cover), await PacketHashAsync(output, 2));
        if (outputExtension == ".mkv")
        {
            // An attachment players find as the cover: its name (the source's own, or cover.EXT) and type.
            var tags = (await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "2", "-show_entries", "stream_tags=filename,mimetype", "-of", "csv=p=0", output])).StandardOutput.Trim();
            var name = sourceExtension == ".mkv" ? Path.GetFileName(cover) : "cover" + Path.GetExtension(cover);
            Assert.Contains(name, tags, StringComparison.Ordinal);
            Assert.Contains(coverCodec == "png" ? "image/png" : "image/jpeg", tags, StringComparison.Ordinal);
        }
        var frames = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", output]);
        Assert.Equal("150", frames.StandardOutput.Trim());
    }

    [Theory]
    [InlineData(".webm", "WebM", "vp9 0", "opus 0")]
    [InlineData(".mov", "QuickTime (.mov)", "h264 0", "aac 0")]
    public async Task A_cover_picture_the_output_container_cannot_hold_should_be_warned_about_and_the_job_should_still_complete(string extension, string name, string video, string audio)
    {
        using var scratch = ScratchDirectory.Create("flock-cover-lost");
        var (source, _) = await SourceWithCoverAsync(scratch, ".mp4", "png");
        var output = scratch.File("out" + extension);
        string[] options = extension == ".webm" ? ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-crf", "40", "-b:v", "0"] : [.. ReferenceEncode.DefaultVideoOptions];

        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "2", "--", .. options]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains($"warning: the source's cover picture (stream 2, png) cannot be kept in {name}: the output leaves it out", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Equal([$"video {video}", $"audio {audio}"], (await StreamsAsync(output)).Select(s => $"{s[1]} {s[2]} {s[3]}"));
    }

    [Fact]
    public async Task A_second_video_stream_and_a_font_an_mp4_output_cannot_have_should_each_be_warned_about()
    {
        using var scratch = ScratchDirectory.Create("flock-left-out");
        var font = scratch.File("title.ttf");
        await File.WriteAllBytesAsync(font, Enumerable.Range(0, 2000).Select(i => (byte)(i * 13)).ToArray());
        var source = scratch.File("two-angles.mkv");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=4", "-f", "lavfi", "-i", "testsrc=s=160x90:r=25:d=4",
            "-attach", font, "-metadata:s:t", "mimetype=application/x-truetype-font", "-map", "0", "-map", "1", "-c:v", "libx264", "-preset", "ultrafast", source]);

        var run = await FlockProcess.RunAsync(["encode", source, scratch.File("out.mp4"), "--nodes", "2", "--chunk-seconds", "2", "--", .. ReferenceEncode.DefaultVideoOptions]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var said = run.Stdout + run.Stderr;
        Assert.Contains("warning: the source's video stream 1 (h264 160x90) is left out: a job encodes one video stream, stream 0", said, StringComparison.Ordinal);
        Assert.Contains("warning: the source's attachment 2 (title.ttf) is left out: only a Matroska (.mkv) output holds attachments", said, StringComparison.Ordinal);
    }

    /// <summary>The 6 s clip with audio (<see cref="TestClips.ConstantFrameRateMp4"/>) and a cover picture: MP4's covr, or a Matroska attachment (which ffmpeg reads as an attached picture).</summary>
    private static async Task<(string Source, string Cover)> SourceWithCoverAsync(ScratchDirectory scratch, string extension, string coverCodec)
    {
        var plain = await TestClips.ConstantFrameRateMp4();
        var cover = scratch.File(coverCodec == "png" ? "front.png" : "front.jpg");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc=s=200x200:d=1", "-frames:v", "1", "-c:v", coverCodec, .. coverCodec == "mjpeg" ? ["-pix_fmt", "yuvj420p"] : Array.Empty<string>(), cover]);
        var source = scratch.File("source" + extension);
        if (extension == ".mkv")
            await FfmpegTool.FfmpegAsync(["-y", "-i", plain, "-attach", cover, "-metadata:s:t", $"mimetype={(coverCodec == "png" ? "image/png" : "image/jpeg")}", "-map", "0", "-c", "copy", source]);
        else
            await FfmpegTool.FfmpegAsync(["-y", "-i", plain, "-i", cover, "-map", "0", "-map", "1", "-c", "copy", "-disposition:v:1", "attached_pic", source]);
        return (source, cover);
    }

    /// <summary>Per stream: index, type, codec, attached picture (1) or not (0).</summary>
    private static async Task<List<string[]>> StreamsAsync(string file) =>
        (await FfmpegTool.FfprobeAsync(["-v", "error", "-show_entries", "stream=index,codec_type,codec_name:stream_disposition=attached_pic", "-of", "csv=p=0", file])).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(','))
            .Select(f => new[] { f[0], f[2], f[1], f[3] })
            .ToList();

    private static async Task<string> PacketHashAsync(string file, int stream) =>
        (await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", stream.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-show_entries", "packet=data_hash", "-show_data_hash", "MD5", "-of", "csv=p=0", file])).StandardOutput.Trim();

    private static async Task<string> FileHashAsync(string file) =>
        "MD5:" + Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(await File.ReadAllBytesAsync(file)));
}
