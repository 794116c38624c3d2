using Flock.Media.Planning;
using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Planning;

/// <summary>The bytes of the source a chunk's decode needs, from the packet positions of the timeline.</summary>
public sealed class SourceSpanTests
{
    private const long Header = 500;
    private const long PacketSize = 1000;

    /// <summary>
    /// 120 frames, a keyframe every 10, stored after a 500-byte header in decode order: each B-frame (odd frame
    /// numbers but the last) comes after the P-frame shown after it, as B-frames do.
    /// </summary>
    private static FrameTimeline Stored()
    {
        var plain = Timelines.ConstantRate(frames: 120, keyframeEvery: 10);
        var slot = new long[120];
        for (var i = 0; i < 120; i++) slot[i] = i % 2 == 1 && i + 1 < 120 && (i + 1) % 10 != 0 ? i + 1 : i % 2 == 0 && i % 10 != 0 ? i - 1 : i;
        var start = slot.Select(s => Header + s * PacketSize).ToArray();
        return plain with { Bytes = new PacketBytes(start, start.Select(s => s + PacketSize).ToArray()) };
    }

    [Fact]
    public void The_first_chunk_should_span_from_the_first_packet_to_its_last_frames_packet()
    {
        var timeline = Stored();
        var plan = ChunkPlanner.Plan(timeline, 0, 0, 1.6); // 40-frame chunks on keyframes
        var span = SourceSpans.For(timeline, plan.Chunks[0], EntryPoints.Natural(timeline, plan.Chunks[0]));

        Assert.NotNull(span);
        Assert.Equal(Header, span.MediaStart);
        Assert.Equal(Header, span.Start);
        Assert.Equal(Header + 40 * PacketSize, span.End);
    }

    [Fact]
    public void A_later_chunk_should_span_from_its_entry_keyframe_and_hold_every_packet_of_its_frames()
    {
        var timeline = Stored();
        var plan = ChunkPlanner.Plan(timeline, 0, 0, 1.6);
        var chunk = plan.Chunks[1];
        Assert.Equal(40 * Timelines.FrameTicks, chunk.StartPts);
        Assert.Equal(80 * Timelines.FrameTicks, chunk.EndPts);
        var span = SourceSpans.For(timeline, chunk, EntryPoints.Natural(timeline, chunk))!;

        Assert.Equal(Header + 40 * PacketSize, span.Start);
        var frames = Enumerable.Range(40, 40).ToArray();
        Assert.All(frames, i => Assert.InRange(timeline.Bytes!.Start[i], span.Start, span.End - PacketSize));
        Assert.Equal(Header + 80 * PacketSize, span.End);
    }

    [Fact]
    public void A_chunk_decoded_from_an_earlier_keyframe_should_span_from_that_keyframe()
    {
        var timeline = Stored();
        var plan = ChunkPlanner.Plan(timeline, 0, 0, 1.6);
        var chunk = plan.Chunks[1];
        var span = SourceSpans.For(timeline, chunk, EntryPoints.For(timeline, chunk, new HashSet<long> { chunk.StartPts }))!;

        Assert.Equal(Header + 30 * PacketSize, span.Start);
    }

    [Fact]
    public void A_chunk_for_a_filter_that_looks_around_should_span_from_the_keyframe_before_to_frames_past_its_end()
    {
        var timeline = Stored();
        var plan = ChunkPlanner.Plan(timeline, 0, 0, 1.6);
        var chunk = plan.Chunks[1];
        var entry = EntryPoints.For(timeline, chunk, new HashSet<long>(), frameBefore: true);
        var span = SourceSpans.For(timeline, chunk, entry, framesAfter: 2)!;

        Assert.Equal(30 * Timelines.FrameTicks, entry);
        Assert.Equal(Header + 30 * PacketSize, span.Start);
        // Frames 80 (a keyframe) and 81 (a B-frame stored after frame 82, the P-frame it needs) are read too.
        Assert.Equal(Header + 83 * PacketSize, span.End);
    }

    [Fact]
    public void A_timeline_without_packet_positions_should_give_no_span()
    {
        var timeline = Timelines.ConstantRate(frames: 100, keyframeEvery: 10);
        var plan = ChunkPlanner.Plan(timeline, 0, 0, 1.6);

        Assert.Null(SourceSpans.For(timeline, plan.Chunks[1], EntryPoints.Natural(timeline, plan.Chunks[1])));
    }
}
