using Flock.Media.Assembly;
using Flock.Media.Planning;
using Flock.Media.Probing;
using Flock.Media.Processes;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>
/// The last check before a job is called completed: the output's frames at their planned timestamps, read from its main
/// video beside the probe, not from a cover picture the output also keeps (MP4 and Matroska list those after it).
/// </summary>
public sealed class OutputVerifierTests
{
    [Fact]
    public async Task Output_frames_should_be_counted_on_the_main_video_beside_a_kept_cover_picture()
    {
        using var scratch = ScratchDirectory.Create("flock-output-verifier");
        var cover = scratch.File("cover.jpg");
        await FfmpegTool.FfmpegAsync(["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", cover]);
        // A source with a cover picture after its video, so the output may keep one.
        var source = scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-v", "error", "-y", "-i", await TestClips.ConstantFrameRateMp4(), "-i", cover, "-map", "0", "-map", "1", "-c", "copy",
            "-disposition:v:1", "attached_pic", source]);
        var info = await MediaProbe.ProbeAsync(source, CancellationToken.None);
        var timeline = await TimelineReader.ReadAsync(source, info, CancellationToken.None);
        var plan = ChunkPlanner.Plan(timeline, info.MainVideo!.Index, info.StartSeconds, 1.0);
        var encoded = scratch.File("encoded.mp4");
        await FfmpegTool.FfmpegAsync(["-v", "error", "-y", "-i", source, "-map", "0:v:0", "-map", "0:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "copy",
            "-fps_mode", "passthrough", encoded]);
        async Task<string> WithCoverAsync(string video, string name)
        {
            var output = scratch.File(name);
            await FfmpegTool.FfmpegAsync(["-v", "error", "-y", "-i", video, "-i", cover, "-map", "0:v", "-map", "0:a", "-map", "1", "-c", "copy",
                "-disposition:v:1", "attached_pic", output]);
            return output;
        }

        var right = await WithCoverAsync(encoded, "right.mp4");
        var probed = await MediaProbe.ProbeAsync(right, CancellationToken.None);
        Assert.Equal(2, probed.Streams.Count(s => s.CodecType == "video"));
        await OutputVerifier.VerifyOutputAsync(right, timeline, plan, info, CancellationToken.None);

        // One frame short, or the cover counted in its place, is no output of this plan.
        var shortByOne = scratch.File("short.mp4");
        await FfmpegTool.FfmpegAsync(["-v", "error", "-y", "-i", encoded, "-map", "0", "-c", "copy", "-frames:v",
            (timeline.FrameCount - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), shortByOne]);
        var e = await Assert.ThrowsAsync<MediaException>(async () =>
            await OutputVerifier.VerifyOutputAsync(await WithCoverAsync(shortByOne, "short-with-cover.mp4"), timeline, plan, info, CancellationToken.None));
        Assert.Contains($"output has {timeline.FrameCount - 1} video frames", e.Message, StringComparison.Ordinal);
    }
}
