using Flock.Media.Encoding;
using Flock.Media.Options;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>
/// Chunks of a bitrate-target job are asked for different rates, and x264/x265 write a level chosen from the rate
/// into their parameter sets; the output keeps chunk 0's for every chunk, so the level is pinned for the job.
/// </summary>
public sealed class RateLevelTests
{
    private static async Task<string> SourceAsync(ScratchDirectory scratch)
    {
        var path = scratch.File("source.mkv");
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=192x108:rate=25:duration=1", "-c:v", "ffv1", path]);
        return path;
    }

    /// <summary>The codec's parameter sets (MP4's avcC/hvcC) of an encode of the source with these options at this rate.</summary>
    private static async Task<string> ParameterSetsAsync(ScratchDirectory scratch, string source, IReadOnlyList<string> video, long rate)
    {
        var path = scratch.File($"chunk-{rate}-{Guid.NewGuid():N}.mp4");
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-i", source, .. VideoBitrate.WithTarget(video, rate), path]);
        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-show_streams", "-show_data", path]);
        var lines = probe.StandardOutput.Split('\n');
        // The hex dump follows "extradata=" up to the next key; x265 also writes its whole command line (with the
        // rate) there as an informative SEI, which says nothing to a decoder, so only the hex of the first lines counts.
        var start = Array.FindIndex(lines, l => l.StartsWith("extradata=", StringComparison.Ordinal));
        Assert.True(start >= 0, probe.StandardOutput);
        return string.Join('\n', lines.Skip(start + 1).TakeWhile(l => l.StartsWith('0')).Take(3));
    }

    [Theory]
    [InlineData("libx264")]
    [InlineData("libx265")]
    public async Task Chunks_asked_for_different_rates_should_carry_the_same_parameter_sets(string encoder)
    {
        using var scratch = ScratchDirectory.Create("flock-rate-level");
        var source = await SourceAsync(scratch);
        var options = EncoderOptions.Parse(["-c:v", encoder, "-preset", "ultrafast", "-b:v", "300k", .. encoder == "libx265" ? new[] { "-x265-params", "log-level=error" } : []]);
        // Unpinned, the encoder writes another level at another rate: what the pin is for (and what makes this test able to fail).
        Assert.NotEqual(await ParameterSetsAsync(scratch, source, options.Video, 300_000), await ParameterSetsAsync(scratch, source, options.Video, 3_000_000));

        var pinned = await RateLevel.PinAsync(options, source, 0, CancellationToken.None);

        Assert.NotEqual(options.Video, pinned.Video);
        Assert.Equal(await ParameterSetsAsync(scratch, source, pinned.Video, 150_000), await ParameterSetsAsync(scratch, source, pinned.Video, 1_200_000));
    }

    [Fact]
    public async Task A_source_with_hdr10_metadata_in_its_container_should_still_get_its_level_pinned()
    {
        using var scratch = ScratchDirectory.Create("flock-rate-level");
        // The metadata goes onto the probe encode's stream, and ffprobe prints it after the level. (mkvmerge writes
        // Colour for HEVC, not for FFV1.)
        var hevc = scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=192x108:rate=25:duration=1",
            "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", hevc]);
        var source = scratch.File("hdr-box.mkv");
        await MkvMerge.WithHdr10Async(hevc, source);
        var options = EncoderOptions.Parse(["-c:v", "libx265", "-preset", "ultrafast", "-b:v", "300k", "-x265-params", "log-level=error"]);

        var pinned = await RateLevel.PinAsync(options, source, 0, CancellationToken.None);

        Assert.Contains(pinned.Video, o => o.Contains("level-idc=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Options_that_name_a_level_or_aim_at_a_quality_should_be_left_alone()
    {
        using var scratch = ScratchDirectory.Create("flock-rate-level");
        var source = await SourceAsync(scratch);
        foreach (string[] given in new[]
                 {
                     new[] { "-c:v", "libx264", "-b:v", "300k", "-level", "4.0" },
                     new[] { "-c:v", "libx264", "-crf", "23" },
                     new[] { "-c:v", "libx265", "-b:v", "300k", "-x265-params", "level-idc=5.1" },
                     new[] { "-c:v", "libvpx-vp9", "-b:v", "300k" },
                 })
        {
            var options = EncoderOptions.Parse(given);
            Assert.Equal(options.Video, (await RateLevel.PinAsync(options, source, 0, CancellationToken.None)).Video);
        }
    }
}
