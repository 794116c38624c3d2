using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// A fixed keyframe interval, as HLS/DASH delivery asks, holds across chunk boundaries: the output of 2 nodes has a
/// keyframe on every Nth frame from the first and on no other, as one machine's encode with the same options has.
/// </summary>
public sealed class FixedGopEncodeTests
{
    private const int Gop = 12;

    public static TheoryData<string, string[]> FixedGopOptions => new()
    {
        { ".mp4", ["-c:v", "libx264", "-preset", "ultrafast", "-g", "12", "-keyint_min", "12", "-sc_threshold", "0"] },
        // ffmpeg's libx265 wrapper ignores -sc_threshold: x265 is told in its own parameters.
        { ".mp4", ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=12:min-keyint=12:scenecut=0:log-level=error"] },
        // libvpx-vp9 and SVT-AV1 place no scene-cut keyframes of their own: -g alone fixes the GOP.
        { ".webm", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-g", "12"] },
        { ".mkv", ["-c:v", "libsvtav1", "-preset", "12", "-g", "12"] },
    };

    [Theory]
    [MemberData(nameof(FixedGopOptions))]
    public async Task A_fixed_gop_should_put_a_keyframe_on_every_nth_frame_of_the_output_and_nowhere_else(string extension, string[] options)
    {
        // 6 s at 25 fps with source keyframes every 50 frames: 1.5 s chunks (37.5 frames) cut near the source's keyframes
        // or the target would start chunks, and so keyframes, off the 12-frame grid.
        var source = await TestClips.ConstantFrameRateMp4();
        using var scratch = ScratchDirectory.Create("flock-gop");
        var output = scratch.File("flock" + extension);
        var reportFile = scratch.File("report.json");
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1.5", "--report", reportFile, "--", .. options]);
        Assert.True(run.ExitCode == 0, $"flock encode failed ({run.ExitCode}):\n{run.Stderr}");
        var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference" + extension), options);

        await MediaComparer.AssertEquivalentAsync(reference, output);
        var chunkFrames = EncodeReport.ChunkFrameCounts(await File.ReadAllTextAsync(reportFile));
        Assert.True(chunkFrames.Count >= 3, $"a 6 s clip in 1.5 s chunks should make at least 3 chunks, got {chunkFrames.Count}");
        var flock = await KeyframeIndicesAsync(output);
        var single = await KeyframeIndicesAsync(reference);
        var frames = (await MediaReport.ReadAsync(output)).VideoFrameCount;
        var grid = Enumerable.Range(0, frames).Where(i => i % Gop == 0).ToArray();
        Assert.True(grid.SequenceEqual(flock),
            $"keyframes at frames {string.Join(' ', flock)}, wanted every {Gop}th ({string.Join(' ', grid)}); chunks of {string.Join(' ', chunkFrames)} frames");
        Assert.Equal(single, flock);
    }

    /// <summary>The presentation-order index of every frame whose packet is flagged key.</summary>
    private static async Task<int[]> KeyframeIndicesAsync(string path)
    {
        var report = await MediaReport.ReadAsync(path);
        var frames = report.VideoFrameTimestamps.Order().ToArray();
        return report.VideoKeyframeTimestamps
            .Select(k => Array.FindIndex(frames, f => Math.Abs(f - k) <= MediaComparer.TimestampToleranceSeconds))
            .Order()
            .ToArray();
    }
}
