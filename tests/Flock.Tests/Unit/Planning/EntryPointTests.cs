using Flock.Media.Planning;
using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Planning;

/// <summary>Where a chunk's decode starts once some keyframes are known not to be clean entry points.</summary>
public sealed class EntryPointTests
{
    // 1000 frames at 25 fps in 1/12800, a keyframe every 50 frames (every 2 s); 10 s chunks start on keyframes.
    private static readonly FrameTimeline Timeline = Timelines.ConstantRate(frames: 1000, keyframeEvery: 50);
    private static readonly ChunkPlan Plan = ChunkPlanner.Plan(Timeline, 0, 0, 10);
    private const long Tick = 512; // one frame

    [Fact]
    public void A_chunk_with_no_bad_keyframes_should_be_sought_to_its_natural_entry()
    {
        foreach (var chunk in Plan.Chunks.Skip(1))
        {
            Assert.Equal(Plan.SeekSecondsAt(EntryPoints.Natural(Timeline, chunk)!.Value), EntryPoints.SeekSeconds(Plan, Timeline, chunk, new HashSet<long>()));
        }
    }

    [Fact]
    public void A_chunk_cut_between_keyframes_should_be_sought_to_the_keyframe_not_to_its_own_start()
    {
        // An MPEG-TS seek bisects on timestamps and lands on the last packet before the time asked for: asked for the
        // chunk's start, it lands on a frame that is no keyframe, and the decode drops every frame up to the next one.
        var timeline = Timelines.WithKeyframesAt(300, 0, 100, 200);
        var plan = new ChunkPlan(0, timeline.TimeBase, 0, [
            new PlannedChunk(0, 0, 150 * Tick, 150, 0, 149 * Tick, true),
            new PlannedChunk(1, 150 * Tick, null, 150, 150 * Tick, 299 * Tick, false),
        ]);

        Assert.Equal(plan.SeekSecondsAt(100 * Tick), EntryPoints.SeekSeconds(plan, timeline, plan.Chunks[1], new HashSet<long>()));
    }

    [Fact]
    public void A_timeline_without_keyframes_should_have_every_chunk_decoded_from_the_file_start()
    {
        // The seed's checks take a chunk with no entry keyframe to be decoded from the file start: so must the node.
        var timeline = Timelines.WithKeyframesAt(300);
        var plan = ChunkPlanner.Plan(timeline, 0, 0, 4);

        Assert.True(plan.Chunks.Count > 1);
        Assert.All(plan.Chunks, chunk =>
        {
            Assert.True(EntryPoints.IsFileStart(timeline, EntryPoints.For(timeline, chunk, new HashSet<long>())));
            Assert.Null(EntryPoints.SeekSeconds(plan, timeline, chunk, new HashSet<long>()));
        });
    }

    [Fact]
    public void The_natural_entry_should_be_the_last_keyframe_at_or_before_the_chunk_start()
    {
        var chunk = Plan.Chunks[1];

        Assert.Equal(chunk.StartPts, EntryPoints.Natural(Timeline, chunk));
        Assert.Null(EntryPoints.Natural(Timeline, Plan.Chunks[0]));
    }

    [Fact]
    public void A_bad_entry_should_move_the_decode_to_the_keyframe_before_it()
    {
        var chunk = Plan.Chunks[2]; // starts at frame 500
        var bad = new HashSet<long> { 500 * Tick };

        Assert.Equal(450 * Tick, EntryPoints.For(Timeline, chunk, bad));
        Assert.Equal(Plan.SeekSecondsAt(450 * Tick), EntryPoints.SeekSeconds(Plan, Timeline, chunk, bad));
        Assert.Equal(450 * 512 / 12800.0 + 0.5 / 12800, EntryPoints.SeekSeconds(Plan, Timeline, chunk, bad)!.Value, precision: 9);
    }

    [Fact]
    public void Several_bad_entries_in_a_row_should_be_skipped_together()
    {
        var chunk = Plan.Chunks[2];
        var bad = new HashSet<long> { 500 * Tick, 450 * Tick, 400 * Tick };

        Assert.Equal(350 * Tick, EntryPoints.For(Timeline, chunk, bad));
        Assert.Equal(300 * Tick, EntryPoints.Before(Timeline, 350 * Tick, bad));
    }

    [Fact]
    public void When_every_keyframe_before_a_chunk_is_bad_it_should_be_decoded_from_the_file_start()
    {
        var chunk = Plan.Chunks[1]; // frame 250
        var bad = Enumerable.Range(1, 5).Select(k => k * 50 * Tick).ToHashSet();

        Assert.Equal(0, EntryPoints.For(Timeline, chunk, bad)); // the first frame's keyframe is the file start
        Assert.True(EntryPoints.IsFileStart(Timeline, EntryPoints.For(Timeline, chunk, bad)));
        Assert.Null(EntryPoints.SeekSeconds(Plan, Timeline, chunk, bad));
        Assert.Null(EntryPoints.Before(Timeline, 0, bad));
    }

    [Fact]
    public void A_bad_keyframe_after_a_chunk_start_should_not_move_that_chunk()
    {
        var chunk = Plan.Chunks[1];
        var bad = new HashSet<long> { 300 * Tick, 500 * Tick };

        Assert.Equal(EntryPoints.Natural(Timeline, chunk), EntryPoints.For(Timeline, chunk, bad));
        Assert.Equal(Plan.SeekSecondsAt(chunk.StartPts), EntryPoints.SeekSeconds(Plan, Timeline, chunk, bad));
    }

    [Fact]
    public void A_chunk_cut_between_keyframes_should_start_at_the_good_keyframe_before_its_bad_one()
    {
        // Keyframes at frames 0, 100, 200; chunks cut exactly at frame 150 and later.
        var timeline = Timelines.WithKeyframesAt(300, 0, 100, 200);
        var plan = new ChunkPlan(0, timeline.TimeBase, 0, [
            new PlannedChunk(0, 0, 150 * Tick, 150, 0, 149 * Tick, true),
            new PlannedChunk(1, 150 * Tick, null, 150, 150 * Tick, 299 * Tick, false),
        ]);
        var bad = new HashSet<long> { 100 * Tick };

        Assert.Equal(100 * Tick, EntryPoints.Natural(timeline, plan.Chunks[1]));
        Assert.Equal(0, EntryPoints.For(timeline, plan.Chunks[1], bad));
        Assert.Null(EntryPoints.SeekSeconds(plan, timeline, plan.Chunks[1], bad));
    }

    [Fact]
    public void Walking_back_from_any_keyframe_should_reach_the_file_start_in_finitely_many_steps()
    {
        var random = new Random(13);
        for (var run = 0; run < 200; run++)
        {
            var timeline = Timelines.Variable(random, 400, 0.05);
            var bad = new HashSet<long>();
            long? entry = timeline.KeyframePts[^1];
            var steps = 0;
            while (!EntryPoints.IsFileStart(timeline, entry))
            {
                bad.Add(entry!.Value);
                var next = EntryPoints.Before(timeline, entry.Value, bad);
                Assert.True(next is null || next < entry, "each step must go to an earlier keyframe");
                entry = next;
                Assert.True(++steps <= timeline.KeyframePts.Length, "the walk must end");
            }
        }
    }
}
