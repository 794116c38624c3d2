using Flock.Media.Planning;
using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Planning;

/// <summary>Hand-built frame timelines, and the checks every plan must pass whatever the timeline.</summary>
internal static class Timelines
{
    /// <summary>The time base mp4 muxers give 25 fps video: one frame is 512 ticks.</summary>
    public static readonly TimeBase Mp4 = new(1, 12800);

    public const long FrameTicks = 512;

    /// <summary>Constant 25 fps in 1/12800, a keyframe every <paramref name="keyframeEvery"/> frames starting at frame 0.</summary>
    public static FrameTimeline ConstantRate(int frames, int keyframeEvery, long firstPts = 0)
    {
        var pts = Enumerable.Range(0, frames).Select(i => firstPts + i * FrameTicks).ToArray();
        var keys = pts.Where((_, i) => i % keyframeEvery == 0).ToArray();
        return new FrameTimeline(Mp4, pts, keys);
    }

    /// <summary>Constant 25 fps in 1/12800 with keyframes exactly on the given frame numbers.</summary>
    public static FrameTimeline WithKeyframesAt(int frames, params int[] keyframeNumbers)
    {
        var pts = Enumerable.Range(0, frames).Select(i => i * FrameTicks).ToArray();
        return new FrameTimeline(Mp4, pts, keyframeNumbers.Select(k => pts[k]).ToArray());
    }

    /// <summary>Variable frame rate in 1/1000: gaps of 10..80 ms, keyframes at random, the first frame always one.</summary>
    public static FrameTimeline Variable(Random random, int frames, double keyframeChance)
    {
        var pts = new long[frames];
        pts[0] = random.Next(0, 200);
        for (var i = 1; i < frames; i++) pts[i] = pts[i - 1] + random.Next(10, 81);
        var keys = pts.Where((_, i) => i == 0 || random.NextDouble() < keyframeChance).ToArray();
        return new FrameTimeline(new TimeBase(1, 1000), pts, keys);
    }

    /// <summary>
    /// The plan partitions the timeline: chunks are contiguous half-open ranges that hold every frame exactly once,
    /// and each chunk's own bookkeeping (count, first, last, keyframe flag) agrees with the frames in its range.
    /// </summary>
    public static void AssertPartitions(FrameTimeline timeline, ChunkPlan plan)
    {
        var chunks = plan.Chunks;
        Assert.NotEmpty(chunks);
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
        Assert.Equal(timeline.FrameCount, chunks.Sum(c => c.FrameCount));
        Assert.Equal(timeline.FrameCount, plan.TotalFrames);
        Assert.Equal(timeline.Pts[0], chunks[0].StartPts);
        for (var i = 0; i + 1 < chunks.Count; i++) Assert.Equal(chunks[i].EndPts, chunks[i + 1].StartPts);
        Assert.Null(chunks[^1].EndPts);

        var keys = timeline.KeyframePts.ToHashSet();
        foreach (var chunk in chunks)
        {
            var inside = timeline.Pts.Where(p => p >= chunk.StartPts && (chunk.EndPts is not { } end || p < end)).ToArray();
            Assert.Equal(inside.Length, chunk.FrameCount);
            Assert.True(chunk.FrameCount > 0, $"chunk {chunk.Index} is empty");
            Assert.Equal(inside[0], chunk.FirstPts);
            Assert.Equal(inside[^1], chunk.LastPts);
            // A cut always sits on a real frame, so nodes can trim on exact timestamps.
            Assert.Equal(chunk.StartPts, chunk.FirstPts);
            Assert.Equal(keys.Contains(chunk.StartPts), chunk.StartsOnKeyframe);
        }

        foreach (var p in timeline.Pts)
            Assert.Single(chunks, c => p >= c.StartPts && (c.EndPts is not { } end || p < end));
    }
}
