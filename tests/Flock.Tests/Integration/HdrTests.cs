using System.Globalization;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// HDR through a distributed encode: ffmpeg 5.1's libx265 and libsvtav1 wrappers drop the source's mastering display
/// and content light level, so a plain encode loses them; Flock must write the source's values into every chunk.
/// Sources are made here: 3 s of 10-bit HEVC at 128x72 with HDR10 SEI from x265's own parameters.
/// </summary>
public sealed class HdrTests
{
    private const string MasterDisplay = "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50)";

    [Fact]
    public async Task Hdr10_source_encoded_with_libx265_on_two_nodes_should_keep_its_mastering_display_light_levels_and_colour_tags()
    {
        using var scratch = ScratchDirectory.Create("flock-hdr10");
        var source = await Hdr10SourceAsync(scratch);
        var output = scratch.File("out.mp4");
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1", "--",
            "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        AssertOnlyWarningIsTheContainerGap(run.Stderr);

        var expected = await FirstFrameAsync(source);
        // The source really has what is being checked for: a test that cannot fail proves nothing.
        Assert.Contains("side_data_type=Mastering display metadata", expected.SideData);
        Assert.Contains("max_content=1000", expected.SideData);
        Assert.Contains("max_average=400", expected.SideData);
        Assert.Contains("max_luminance=10000000/10000", expected.SideData);
        var actual = await FirstFrameAsync(output);
        Assert.Equal(expected.SideData, actual.SideData);
        Assert.Equal(("bt2020", "smpte2084", "bt2020nc"), (actual.Primaries, actual.Transfer, actual.Matrix));
        Assert.Equal("yuv420p10le", actual.PixelFormat);
        // Every chunk starts with its own keyframe, so each must carry the metadata itself (a player may start at any of them).
        Assert.All(await KeyframeSideDataAsync(output), sd => Assert.Equal(expected.SideData, sd));
        // What the warning says: the source has it in its SEI only, and ffmpeg 5.1 writes the container's from a source's container only.
        Assert.Empty(await StreamSideDataAsync(source));
        Assert.Empty(await StreamSideDataAsync(output));
    }

    [Theory]
    [InlineData("libx265", "mkv")]
    [InlineData("libx265", "mp4")]
    [InlineData("libsvtav1", "mkv")]
    [InlineData("libsvtav1", "mp4")]
    public async Task Hdr10_metadata_in_the_sources_container_should_be_in_the_outputs_container_as_on_one_machine_and_in_its_bitstream(string encoder, string extension)
    {
        using var scratch = ScratchDirectory.Create("flock-hdr-box");
        var source = await Hdr10RemuxAsync(scratch);
        string[] options = encoder == "libx265"
            ? ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"]
            : ["-c:v", "libsvtav1", "-preset", "12", "-crf", "50"];
        var output = scratch.File("out." + extension);
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1", "--", .. options]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.DoesNotContain("warning:", run.Stderr);

        var single = scratch.File("single." + extension);
        await FfmpegTool.FfmpegAsync(["-y", "-v", "error", "-i", source, "-map", "0:v:0", .. options, single]);
        var expected = SideDataValues(await StreamSideDataAsync(single));
        // The remux really has it in its container, and one machine's ffmpeg really writes it: else nothing is compared.
        Assert.Equal(12, SideDataValues(await StreamSideDataAsync(source)).Count);
        Assert.Equal(12, expected.Count);
        var actual = SideDataValues(await StreamSideDataAsync(output));
        // The chunks are MP4, whose mdcv counts chromaticity in 1/50000 and luminance in 1/10000 cd/m²: an MKV output
        // can differ from one machine's (MKV to MKV keeps the source's floats) by less than one such step.
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, value) in expected)
        {
            var step = key.Contains("luminance", StringComparison.Ordinal) ? 1.0 / 10000 : 1.0 / 50000;
            Assert.True(Math.Abs(actual[key] - value) <= step, $"{key}: one machine {value}, Flock {actual[key]}");
        }
        // Better than one machine: the bitstream has it too (ffmpeg 5.1's wrappers write none of it there).
        Assert.Equal(2, (await FirstFrameAsync(output)).SideData.Count(l => l.StartsWith("side_data_type=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Converting_colour_of_a_source_with_hdr10_in_its_container_should_warn_that_the_output_container_still_says_hdr10()
    {
        using var scratch = ScratchDirectory.Create("flock-hdr-box-sdr");
        var source = await Hdr10RemuxAsync(scratch);
        var output = scratch.File("sdr.mkv");
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1", "--",
            "-c:v", "libx264", "-preset", "ultrafast", "-vf", "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709,format=yuv420p"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("warning: the video filter converts colour, but the source's HDR10 mastering display and content light level (MaxCLL/MaxFALL) metadata is in its container", run.Stderr);
        // What the warning says is so: ffmpeg 5.1 has no option to leave a source stream's side data behind.
        Assert.Equal(2, (await StreamSideDataAsync(output)).Count(l => l.StartsWith("side_data_type=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Hlg_source_should_keep_its_arib_std_b67_transfer()
    {
        using var scratch = ScratchDirectory.Create("flock-hlg");
        var source = scratch.File("hlg.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=128x72:r=25:d=3", "-pix_fmt", "yuv420p10le",
            "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=25:log-level=error",
            "-color_primaries", "bt2020", "-color_trc", "arib-std-b67", "-colorspace", "bt2020nc", source]);
        var output = scratch.File("out.mkv");
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1", "--",
            "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var frame = await FirstFrameAsync(output);
        Assert.Equal(("bt2020", "arib-std-b67", "bt2020nc", "yuv420p10le"), (frame.Primaries, frame.Transfer, frame.Matrix, frame.PixelFormat));
        var stream = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=color_transfer", "-of", "csv=p=0", output]);
        Assert.Equal("arib-std-b67", stream.StandardOutput.Trim());
    }

    [Fact]
    public async Task Eight_bit_libx264_on_a_pq_source_should_be_warned_of_what_is_lost_and_refused_with_hdr_strict()
    {
        using var scratch = ScratchDirectory.Create("flock-hdr-8bit");
        var source = await Hdr10SourceAsync(scratch);
        string[] options = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];

        var warned = await FlockProcess.RunAsync(["encode", source, scratch.File("out.mp4"), "--nodes", "2", "--chunk-seconds", "1", "--", .. options]);
        Assert.True(warned.ExitCode == 0, warned.Stderr);
        Assert.Contains("warning: the source is 10-bit PQ (smpte2084) but libx264 will write 8-bit video", warned.Stderr);
        Assert.Contains("warning: the source's HDR10 mastering display and content light level (MaxCLL/MaxFALL) metadata will be lost: libx264 cannot write it", warned.Stderr);

        var strictOutput = scratch.File("strict.mp4");
        var refused = await FlockProcess.RunAsync(["encode", source, strictOutput, "--nodes", "2", "--chunk-seconds", "1", "--hdr", "strict", "--", .. options]);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("error: refused (flock.seed.hdr = strict): the source is 10-bit PQ (smpte2084) but libx264 will write 8-bit video", refused.Stderr);
        Assert.False(File.Exists(strictOutput));

        // The same source with an encoder that carries it all is not refused.
        var carried = await FlockProcess.RunAsync(["encode", source, scratch.File("x265.mp4"), "--nodes", "2", "--chunk-seconds", "1", "--hdr", "strict", "--",
            "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"]);
        Assert.True(carried.ExitCode == 0, carried.Stderr);
    }

    [Fact]
    public async Task Hdr10_source_encoded_with_libsvtav1_should_keep_its_mastering_display_and_light_levels()
    {
        var encoders = await FfmpegTool.FfmpegAsync(["-hide_banner", "-encoders"]);
        Assert.True(encoders.StandardOutput.Contains(" libsvtav1 ", StringComparison.Ordinal), "this ffmpeg has no libsvtav1: install one that has, this test needs it");
        using var scratch = ScratchDirectory.Create("flock-hdr-av1");
        var source = await Hdr10SourceAsync(scratch);
        var output = scratch.File("out.mkv");
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1", "--",
            "-c:v", "libsvtav1", "-preset", "12", "-crf", "50"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        AssertOnlyWarningIsTheContainerGap(run.Stderr);

        var expected = Values(await FirstFrameAsync(source));
        var actual = Values(await FirstFrameAsync(output));
        // AV1 stores chromaticity in 1/65536 and luminance in 1/256 and 1/16384 steps, HEVC in 1/50000 and 1/10000:
        // the same value within one step of the coarser unit.
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, value) in expected)
        {
            var step = key.Contains("luminance", StringComparison.Ordinal) ? Math.Max(1.0 / 256, value * 1e-4) : 1.0 / 50000;
            Assert.True(Math.Abs(actual[key] - value) <= step, $"{key}: source {value}, output {actual[key]}");
        }
        var frame = await FirstFrameAsync(output);
        Assert.Equal(("bt2020", "smpte2084", "bt2020nc"), (frame.Primaries, frame.Transfer, frame.Matrix));
    }

    private static async Task<string> Hdr10SourceAsync(ScratchDirectory scratch)
    {
        var source = scratch.File("hdr10.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=128x72:r=25:d=3", "-pix_fmt", "yuv420p10le",
            "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", $"keyint=25:master-display={MasterDisplay}:max-cll=1000,400:log-level=error",
            "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", source]);
        return source;
    }

    /// <summary>A UHD remux as real ones are: the encoder's SEI in the bitstream and the same values in MKV's Colour element.</summary>
    private static async Task<string> Hdr10RemuxAsync(ScratchDirectory scratch)
    {
        var remux = scratch.File("remux.mkv");
        await MkvMerge.WithHdr10Async(await Hdr10SourceAsync(scratch), remux);
        return remux;
    }

    private static void AssertOnlyWarningIsTheContainerGap(string stderr)
    {
        var warnings = stderr.Split('\n').Where(l => l.Contains("warning:", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("warning: the source's HDR10 mastering display and content light level (MaxCLL/MaxFALL) metadata is in its bitstream only: "
            + "the output has it in its bitstream but not in its container", warning);
    }

    /// <summary>The video stream's mastering display and content light level side data (what MKV's Colour and MP4's mdcv/clli give), key=value lines.</summary>
    private static async Task<IReadOnlyList<string>> StreamSideDataAsync(string path)
    {
        var r = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream_side_data_list", "-of", "default", path]);
        return HdrSideData(r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private sealed record FrameDescription(string? Primaries, string? Transfer, string? Matrix, string? PixelFormat, IReadOnlyList<string> SideData);

    /// <summary>The first decoded frame's colour tags and its HDR side data as ffprobe prints them (key=value lines).</summary>
    private static async Task<FrameDescription> FirstFrameAsync(string path)
    {
        var r = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1", "-show_frames",
            "-show_entries", "frame=color_primaries,color_transfer,color_space,pix_fmt:frame_side_data_list", "-of", "default", path]);
        var lines = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        string? Value(string key) => lines.FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];
        return new FrameDescription(Value("color_primaries"), Value("color_transfer"), Value("color_space"), Value("pix_fmt"), HdrSideData(lines));
    }

    /// <summary>Mastering display and content light level entries only (encoder version SEI differs by design).</summary>
    private static IReadOnlyList<string> HdrSideData(IReadOnlyList<string> lines)
    {
        var kept = new List<string>();
        var inHdr = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("side_data_type=", StringComparison.Ordinal))
                inHdr = line.Contains("Mastering display", StringComparison.Ordinal) || line.Contains("Content light level", StringComparison.Ordinal);
            else if (line.StartsWith('[')) inHdr = false;
            if (inHdr) kept.Add(line);
        }
        return kept;
    }

    private static async Task<IReadOnlyList<IReadOnlyList<string>>> KeyframeSideDataAsync(string path)
    {
        // Keyframes only: a player may start at any chunk's first frame, and needs the metadata there.
        var r = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-skip_frame", "nokey", "-show_frames",
            "-show_entries", "frame=key_frame:frame_side_data_list", "-of", "default", path]);
        var frames = r.StandardOutput.Split("[/FRAME]", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(f => f.Contains("key_frame=1", StringComparison.Ordinal))
            .Select(f => HdrSideData(f.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            .ToList();
        Assert.True(frames.Count >= 3, $"expected a keyframe per chunk, found {frames.Count}");
        return frames;
    }

    private static Dictionary<string, double> Values(FrameDescription frame) => SideDataValues(frame.SideData);

    private static Dictionary<string, double> SideDataValues(IReadOnlyList<string> sideData) =>
        sideData.Where(l => !l.StartsWith("side_data_type=", StringComparison.Ordinal) && l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Split('/') is [var n, var d]
                ? double.Parse(n, CultureInfo.InvariantCulture) / double.Parse(d, CultureInfo.InvariantCulture)
                : double.Parse(p[1], CultureInfo.InvariantCulture));
}
