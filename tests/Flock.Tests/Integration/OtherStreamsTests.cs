using System.Globalization;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// A Matroska source's audio, subtitles and attachments are copied aside while the chunks encode, so the join does
/// not read the whole source again: the output must still hold every packet, flag and tag as a single machine's.
/// The verified chunks' keyframes are hashed while the last chunks encode as well, so the join's content check uses them.
/// </summary>
public sealed class OtherStreamsTests
{
    [Theory]
    [InlineData(".mkv")]
    [InlineData(".mp4")]
    public async Task Matroska_source_joined_from_the_copy_of_its_other_streams_should_keep_every_packet_flag_and_tag(string extension)
    {
        using var scratch = ScratchDirectory.Create("flock-other-streams");
        var font = scratch.File("font.ttf");
        await File.WriteAllBytesAsync(font, Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray());
        // Two languages, subtitles, chapters and a title, a font (Matroska outputs keep attachments; MP4 has none, and a
        // single machine's `-map 0` would fail on it), and flags that are not the muxer's defaults: the second audio
        // track is the default one, the first is not, and the subtitles are forced.
        var source = scratch.File("rich.mkv");
        string[] attach = extension == ".mkv" ? ["-attach", font, "-metadata:s:t", "mimetype=application/x-truetype-font"] : [];
        await FfmpegTool.FfmpegAsync(["-y", "-i", await TestClips.MultiAudioWithLanguagesMkv(), .. attach,
            "-map", "0", "-c", "copy", "-disposition:a:0", "0", "-disposition:a:1", "default", "-disposition:s:0", "forced", source]);
        var output = scratch.File("flock" + extension);
        var options = ReferenceEncode.DefaultVideoOptions.ToArray();

        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1.5", "--", .. options],
            env: new Dictionary<string, string> { ["FLOCK_VERBOSE"] = "1" });
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("joining the source's other streams from their copy made while encoding", run.Stderr + run.Stdout, StringComparison.Ordinal);
        // The chunks' half of the output's content check is done while the last chunks encode, too (and the output still checked against it).
        Assert.Contains("hashed for the output's content check while the last chunks encode", run.Stderr + run.Stdout, StringComparison.Ordinal);

        var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference" + extension), options);
        await MediaComparer.AssertEquivalentAsync(reference, output);
        Assert.Equal(await OtherStreamsOf(reference), await OtherStreamsOf(output));
        // Into MP4 a single machine keeps Matroska's millisecond-rounded audio timestamps (1008 ticks of 48 kHz for a
        // 1024-sample frame), where Flock's join has written them sample-exact since before this copy existed (the
        // comparer above holds them within a millisecond): there only the packets' bytes and flags must be equal.
        var audioTiming = extension == ".mkv";
        Assert.Equal(await PacketsOf(reference, audioTiming), await PacketsOf(output, audioTiming));
    }

    /// <summary>Every stream but the video: codec, flags and tags (an attachment's name and type among them).</summary>
    private static async Task<string> OtherStreamsOf(string file) =>
        (await FfmpegTool.FfprobeAsync(["-v", "error", "-show_entries", "stream=index,codec_type,codec_name,extradata_hash:stream_disposition:stream_tags",
            "-show_data_hash", "MD5", "-of", "flat", file])).StandardOutput
            .Split('\n').Where(l => !l.StartsWith("streams.stream.0.", StringComparison.Ordinal) && !l.Contains(".tags.DURATION", StringComparison.Ordinal)
                && !l.Contains(".tags.ENCODER", StringComparison.Ordinal) && !l.Contains(".tags.handler_name", StringComparison.Ordinal) && !l.Contains(".tags.vendor_id", StringComparison.Ordinal))
            .Aggregate("", (all, line) => all + line + "\n");

    /// <summary>The audio and subtitle packets, each with its timestamps, duration, flags and a hash of its bytes.</summary>
    private static async Task<string> PacketsOf(string file, bool audioTiming) =>
        (await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "a",
            "-show_entries", audioTiming ? "packet=stream_index,pts,dts,duration,flags,data_hash" : "packet=stream_index,flags,data_hash",
            "-show_data_hash", "MD5", "-of", "csv=p=0", file])).StandardOutput
        + (await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "s", "-show_entries", "packet=stream_index,pts,dts,duration,flags,data_hash",
            "-show_data_hash", "MD5", "-of", "csv=p=0", file])).StandardOutput;
}
