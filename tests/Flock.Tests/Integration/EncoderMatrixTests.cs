using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// Every common encoder, in each container that takes it, on 2 nodes against the same options on one machine: same
/// frame count and timestamps, the pixel format (bit depth) kept, a keyframe at every chunk start, and pictures as
/// close to the source as the single machine's.
/// </summary>
public sealed class EncoderMatrixTests
{
    /// <summary>
    /// How far Flock's frames may fall below the single machine's, in dB of PSNR against the source. Measured on this
    /// clip (192x108, 4 chunks of 25 frames) with these settings and with lower-quality ones: Flock's mean is 0.7 dB
    /// below (libaom) to 1.2 dB above (libvpx-vp9: every chunk starts with a fresh keyframe) the single machine's,
    /// and Flock's worst frame is at most 1.5 dB below the single machine's worst (SVT-AV1: its hierarchical GOP falls
    /// differently in a 25-frame chunk; frame by frame the two differ by up to 9 dB for that reason, so frames are
    /// not compared pairwise). A frame from the wrong time in this clip scores 23–28 dB against the source, well
    /// below every encode's worst frame (36 dB or more here) less this margin.
    /// </summary>
    private const double WorstFrameMarginDb = 3.0;

    private const double MeanMarginDb = 1.5;

    /// <summary>Encoder, pixel format, container, and the fastest settings that still give 35 dB or more here.</summary>
    public static TheoryData<string, string, string, string[]> Matrix => new()
    {
        { "libx264", "yuv420p", ".mp4", ["-preset", "ultrafast", "-crf", "23"] },
        { "libx264", "yuv420p10le", ".mkv", ["-preset", "ultrafast", "-crf", "23"] },
        { "libx265", "yuv420p", ".mkv", ["-preset", "ultrafast", "-crf", "22", "-x265-params", "log-level=error"] },
        { "libx265", "yuv420p10le", ".mp4", ["-preset", "ultrafast", "-crf", "22", "-x265-params", "log-level=error"] },
        { "libsvtav1", "yuv420p", ".webm", ["-preset", "12", "-crf", "30"] },
        { "libsvtav1", "yuv420p10le", ".mp4", ["-preset", "12", "-crf", "30"] },
        { "libaom-av1", "yuv420p", ".mkv", ["-cpu-used", "8", "-crf", "32"] },
        { "librav1e", "yuv420p", ".mp4", ["-speed", "10", "-qp", "100"] },
        { "libvpx-vp9", "yuv420p", ".webm", ["-deadline", "realtime", "-cpu-used", "8", "-crf", "32", "-b:v", "0"] },
        { "libvpx-vp9", "yuv420p10le", ".mkv", ["-deadline", "good", "-cpu-used", "5", "-crf", "32", "-b:v", "0"] },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_encoder_on_two_nodes_should_equal_its_single_machine_encode(string encoder, string pixelFormat, string extension, string[] settings)
    {
        var source = await TestClips.TinyWithAudioMp4();
        using var scratch = ScratchDirectory.Create("flock-encoders");
        var output = scratch.File("flock" + extension);
        var reportFile = scratch.File("report.json");
        string[] options = ["-c:v", encoder, "-pix_fmt", pixelFormat, .. settings];
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1", "--report", reportFile, "--", .. options]);
        Assert.True(run.ExitCode == 0, $"flock encode with {encoder} failed ({run.ExitCode}):\n{run.Stderr}");
        var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference" + extension), options);

        // Codec, pixel format, frame count, every timestamp, audio packets.
        await MediaComparer.AssertEquivalentAsync(reference, output);

        var chunkFrames = EncodeReport.ChunkFrameCounts(await File.ReadAllTextAsync(reportFile));
        Assert.True(chunkFrames.Count >= 3, $"a 4 s clip in 1 s chunks should make at least 3 chunks, got {chunkFrames.Count}");
        var flock = await MediaReport.ReadAsync(output);
        var start = 0;
        foreach (var frames in chunkFrames)
        {
            var pts = flock.VideoFrameTimestamps[start];
            Assert.True(flock.VideoKeyframeTimestamps.Any(k => Math.Abs(k - pts) <= MediaComparer.TimestampToleranceSeconds),
                $"{encoder}: the chunk starting at frame {start} ({pts:0.000000} s) does not start with a keyframe; keyframes: {string.Join(", ", flock.VideoKeyframeTimestamps)}");
            start += frames;
        }
        Assert.Equal(flock.VideoFrameCount, start);

        var flockPsnr = await MediaComparer.ReadFramePsnrAsync(source, output);
        var referencePsnr = await MediaComparer.ReadFramePsnrAsync(source, reference);
        Assert.Equal(referencePsnr.Count, flockPsnr.Count);
        var floor = referencePsnr.Min() - WorstFrameMarginDb;
        var low = flockPsnr.Select((db, i) => (db, i)).Where(f => !(f.db >= floor)).ToList();
        Assert.True(low.Count == 0,
            $"{encoder}: {low.Count} frame(s) below {floor:0.00} dB against the source (the single machine's worst frame less {WorstFrameMarginDb} dB), e.g. frame {low.FirstOrDefault().i} at {low.FirstOrDefault().db:0.00} dB");
        Assert.True(flockPsnr.Average() >= referencePsnr.Average() - MeanMarginDb,
            $"{encoder}: mean PSNR {flockPsnr.Average():0.00} dB against the source, the single machine's {referencePsnr.Average():0.00} dB");
    }
}
