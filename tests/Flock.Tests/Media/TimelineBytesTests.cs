using System.Globalization;
using Flock.Media.Planning;
using Flock.Seed.Jobs;
using Flock.Seed.Planning;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>Where each frame's packet lies in the source, as the planner lists it: what bounds a node's reads.</summary>
public sealed class TimelineBytesTests
{
    [Fact]
    public async Task Timeline_should_know_each_frames_packet_position_and_keep_it_in_the_plan_file()
    {
        using var scratch = ScratchDirectory.Create("flock-bytes");
        var source = scratch.File("long.mp4");
        // B-frames: file order differs from presentation order, which the positions must follow frame by frame.
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=24", "-c:v", "libx264", "-preset", "ultrafast",
            "-bf", "3", "-g", "25", "-pix_fmt", "yuv420p", source]);
        var spec = new JobSpec("1", source, "long.mp4", scratch.File("out.mp4"), ["-c:v", "libx264"], 2, 0);
        var sizing = new ChunkSizing(2);
        var head = await JobPlanner.PlanHeadAsync(spec, sizing, 1, scratch.Path, CancellationToken.None);
        await JobPlanner.PlanAsync(spec, sizing, scratch.Path, head, CancellationToken.None);
        var whole = JobPlanFiles.Load(scratch.Path);

        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "0", "-show_entries", "packet=pts,pos,size", "-of", "csv=p=0", source]);
        var byPts = probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(','))
            .ToDictionary(f => long.Parse(f[0], CultureInfo.InvariantCulture), f => (Pos: long.Parse(f[2], CultureInfo.InvariantCulture), Size: long.Parse(f[1], CultureInfo.InvariantCulture)));
        var bytes = whole.Timeline.Bytes;
        Assert.NotNull(bytes);
        Assert.Equal(whole.Timeline.FrameCount, bytes.Start.Length);
        for (var i = 0; i < whole.Timeline.FrameCount; i++)
        {
            var packet = byPts[whole.Timeline.Pts[i]];
            Assert.Equal(packet.Pos, bytes.Start[i]);
            Assert.Equal(packet.Pos + packet.Size, bytes.End[i]);
        }
        // The head, read from the file's first seconds, agrees with the whole for the frames it has.
        Assert.NotNull(head?.Timeline.Bytes);
        Assert.Equal(bytes.Start.Take(head.Timeline.FrameCount), head.Timeline.Bytes.Start);

        // Each chunk's span holds every packet of its frames.
        foreach (var chunk in whole.Plan.Chunks)
        {
            var span = SourceSpans.For(whole.Timeline, chunk, EntryPoints.Natural(whole.Timeline, chunk));
            Assert.NotNull(span);
            for (var i = 0; i < whole.Timeline.FrameCount; i++)
            {
                var pts = whole.Timeline.Pts[i];
                if (pts < chunk.StartPts || (chunk.EndPts is { } end && pts >= end)) continue;
                Assert.InRange(bytes.Start[i], span.Start, span.End);
                Assert.InRange(bytes.End[i], span.Start, span.End);
            }
        }
    }

    [Fact]
    public async Task Timeline_read_through_the_decoder_should_claim_no_positions()
    {
        var source = await TestClips.AviWithPackedBFrames();
        var info = await Flock.Media.Probing.MediaProbe.ProbeAsync(source, CancellationToken.None);

        var timeline = await Flock.Media.Probing.TimelineReader.ReadAsync(source, info, CancellationToken.None);

        Assert.Null(timeline.Bytes);
    }
}
