using Flock.Media.Planning;
using Flock.Seed.Jobs;
using Flock.Seed.Planning;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>
/// The first chunk planned from a source's first seconds, handed out while the rest is read, is the very chunk the
/// whole plan begins with: same frames, same timestamps.
/// </summary>
public sealed class HeadPlanTests
{
    private static async Task<string> LongClipAsync(ScratchDirectory scratch)
    {
        // 24 s with B-frames and x264's scene-cut keyframes on a 25-frame GOP: reordered packets around every cut.
        var path = scratch.File("long.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=24", "-c:v", "libx264", "-preset", "ultrafast",
            "-bf", "3", "-g", "25", "-pix_fmt", "yuv420p", path]);
        return path;
    }

    /// <summary>Plans the long clip in 2 s chunks as a seed does: the head for <paramref name="nodes"/> nodes, then the whole.</summary>
    private static async Task<(JobPlanFiles? Head, JobPlanFiles Whole)> PlanLongClipAsync(ScratchDirectory scratch, int nodes)
    {
        var source = await LongClipAsync(scratch);
        var spec = new JobSpec("1", source, "long.mp4", scratch.File("out.mp4"), ["-c:v", "libx264"], 2, 0);
        var sizing = new ChunkSizing(2, TailChunks: 4, MinimumChunkSeconds: 0.5, PreferSceneCuts: true);
        var head = await JobPlanner.PlanHeadAsync(spec, sizing, nodes, scratch.Path, CancellationToken.None);
        return (head, await JobPlanner.PlanAsync(spec, sizing, scratch.Path, head, CancellationToken.None));
    }

    [Fact]
    public async Task Head_plan_first_chunk_should_be_the_first_chunk_of_the_whole_plan()
    {
        using var scratch = ScratchDirectory.Create("flock-head");

        var (head, whole) = await PlanLongClipAsync(scratch, nodes: 1);

        Assert.NotNull(head);
        Assert.True(head.Timeline.FrameCount < whole.Timeline.FrameCount / 2, $"the head read {head.Timeline.FrameCount} of {whole.Timeline.FrameCount} frames");
        Assert.Equal(head.Plan.Chunks.Single(), whole.Plan.Chunks[0]);
        Assert.Equal(whole.Timeline.Pts.Take(head.Plan.Chunks[0].FrameCount), head.Timeline.Pts.Take(head.Plan.Chunks[0].FrameCount));
        Assert.Equal(whole.Timeline.FrameCount, whole.Plan.TotalFrames);
        Assert.Equal(JobPlanFiles.Load(scratch.Path, JobPlanFiles.HeadFileName).Plan.Chunks, head.Plan.Chunks);
    }

    [Fact]
    public async Task Head_plan_should_give_each_node_up_a_first_chunk_that_the_whole_plan_keeps()
    {
        using var scratch = ScratchDirectory.Create("flock-head-nodes");

        var (head, whole) = await PlanLongClipAsync(scratch, nodes: 3);

        Assert.NotNull(head);
        Assert.Equal(3, head.Plan.Chunks.Count);
        Assert.True(head.Timeline.FrameCount < whole.Timeline.FrameCount * 3 / 4, $"the head read {head.Timeline.FrameCount} of {whole.Timeline.FrameCount} frames");
        Assert.Equal(head.Plan.Chunks, whole.Plan.Chunks.Take(3));
        Assert.Equal(whole.Timeline.FrameCount, whole.Plan.TotalFrames);
    }

    [Fact]
    public async Task Head_plan_should_hold_when_audio_starts_seconds_before_the_video()
    {
        // ffprobe counts the read interval from the first packet of any stream; here that is audio, 4 s early.
        using var scratch = ScratchDirectory.Create("flock-head-late-video");
        var source = scratch.File("late.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-itsoffset", "4", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=20",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=24", "-map", "0:v", "-map", "1:a",
            "-c:v", "libx264", "-preset", "ultrafast", "-bf", "3", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", source]);
        var spec = new JobSpec("1", source, "late.mp4", scratch.File("out.mp4"), ["-c:v", "libx264"], 2, 0);
        var sizing = new ChunkSizing(2, TailChunks: 4, MinimumChunkSeconds: 0.5);

        var head = await JobPlanner.PlanHeadAsync(spec, sizing, 1, scratch.Path, CancellationToken.None);
        var whole = await JobPlanner.PlanAsync(spec, sizing, scratch.Path, head, CancellationToken.None);

        Assert.NotNull(head);
        Assert.Equal(head.Plan.Chunks.Single(), whole.Plan.Chunks[0]);
        Assert.Equal(whole.Timeline.FrameCount, whole.Plan.TotalFrames);
    }

    [Fact]
    public async Task Options_that_fix_the_gop_should_put_every_cut_of_head_and_whole_plan_on_its_grid()
    {
        // The source's keyframes every 25 frames, 2 s chunks (50 frames) and the user's fixed GOP of 12: without it, cuts
        // would land on the source's keyframes (every 25th frame), off the 12-frame grid.
        using var scratch = ScratchDirectory.Create("flock-head-gop");
        var source = await LongClipAsync(scratch);
        var spec = new JobSpec("1", source, "long.mp4", scratch.File("out.mp4"), ["-c:v", "libx264", "-g", "12", "-sc_threshold", "0"], 2, 0);
        var sizing = new ChunkSizing(2, TailChunks: 4, MinimumChunkSeconds: 0.5, PreferSceneCuts: true);

        var head = await JobPlanner.PlanHeadAsync(spec, sizing, 3, scratch.Path, CancellationToken.None);
        var whole = await JobPlanner.PlanAsync(spec, sizing, scratch.Path, head, CancellationToken.None);

        Assert.NotNull(head);
        Assert.Equal(head.Plan.Chunks, whole.Plan.Chunks.Take(head.Plan.Chunks.Count));
        var cuts = whole.Plan.Chunks.Skip(1).Select(c => Array.BinarySearch(whole.Timeline.Pts, c.StartPts)).ToArray();
        Assert.True(cuts.Length >= 8, $"a 24 s clip in 2 s chunks made {cuts.Length + 1} chunks");
        Assert.All(cuts, c => Assert.True(c % 12 == 0, $"cut at frame {c} is off the 12-frame grid (cuts: {string.Join(' ', cuts)})"));
        Assert.Equal(whole.Timeline.FrameCount, whole.Plan.TotalFrames);
    }

    [Fact]
    public async Task Head_plan_should_be_skipped_for_a_source_a_few_chunks_long()
    {
        using var scratch = ScratchDirectory.Create("flock-head-short");
        var source = await LongClipAsync(scratch);
        var spec = new JobSpec("1", source, "long.mp4", scratch.File("out.mp4"), ["-c:v", "libx264"], 8, 0);

        var head = await JobPlanner.PlanHeadAsync(spec, new ChunkSizing(8), 1, scratch.Path, CancellationToken.None);

        Assert.Null(head);
    }
}
