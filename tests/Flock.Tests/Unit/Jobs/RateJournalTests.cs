using Flock.Media.Encoding;
using Flock.Media.Planning;
using Flock.Messages.Chunks;
using Flock.Messages.Jobs;
using Flock.Seed.Jobs;
using Flock.Seed.Storage;
using Flock.Tests.Unit.Planning;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>
/// A seed restarted mid-job used to count every chunk still out at the file's target, and to forget the first passes it
/// had weighed: the file's bits were then shared again from less than it knew. The rates asked and the weights measured
/// are journalled, and the control is rebuilt from them.
/// </summary>
public sealed class RateJournalTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static RateControl Control(int chunks)
    {
        var timeline = Timelines.ConstantRate(chunks * 50, keyframeEvery: 50);
        return RateControl.For(["-c:v", "libx264", "-b:v", "500k", "-pass", "2"], timeline, ChunkPlanner.Plan(timeline, 0, 0, 2))!;
    }

    private static JobState Journal(IEnumerable<JobEvent> events) =>
        events.Aggregate(JobState.Start(new JobSubmitted(JobSample.Spec, At, ChunksOnDemand: true)), (s, e) => s.Apply(e));

    [Fact]
    public void A_control_rebuilt_from_the_journal_should_ask_what_the_running_one_would_ask()
    {
        var calm = new FirstPassModel(Texture: 20_000, Motion: 20_000, Misc: 60_000);
        var busy = new FirstPassModel(Texture: 900_000, Motion: 60_000, Misc: 40_000);
        var events = new List<JobEvent>();
        var running = Control(8);
        for (var i = 0; i < 4; i++)
        {
            (running, var rate) = running.Assign(i);
            events.Add(new JobChunkRateAsked(i, rate, SecondPass: false, At));
        }
        // Chunk 1 weighed ahead (busy), chunk 0's and chunk 2's second passes asked, chunk 0 verified 8 % under its ask.
        running = running.Weighed(1, busy.BitsAt(1), busy);
        events.Add(new JobChunkWeighed(1, busy.BitsAt(1), new FirstPassBits(busy.Texture, busy.Motion, busy.Misc), At));
        foreach (var (index, model) in new[] { (0, calm), (2, calm) })
        {
            (running, var rate) = running.SecondPass(index, model.BitsAt(1), model);
            events.Add(new JobChunkWeighed(index, model.BitsAt(1), new FirstPassBits(model.Texture, model.Motion, model.Misc), At));
            events.Add(new JobChunkRateAsked(index, rate, SecondPass: true, At));
        }
        var chunk0Bits = (long)(running.Assigned[0] * running.Seconds[0] * 0.92);
        running = running.Verified(0, chunk0Bits);

        var journal = Journal(events);
        var rebuilt = Control(8).Recovered(journal.ChunkWeights, journal.ChunkRates.Values, [], [(0, chunk0Bits)]);

        Assert.Equal(running.Assigned, rebuilt.Assigned);
        Assert.Equal(running.SecondPassAsked, rebuilt.SecondPassAsked);
        Assert.Equal(running.Allocation.ToArray(), rebuilt.Allocation.ToArray());
        // Every later ask is the same: chunk 1's second pass, a chunk handed out afresh, and an attempt of one already out.
        Assert.Equal(running.SecondPass(1, busy.BitsAt(1), busy).BitsPerSecond, rebuilt.SecondPass(1, busy.BitsAt(1), busy).BitsPerSecond);
        Assert.Equal(running.Assign(5).BitsPerSecond, rebuilt.Assign(5).BitsPerSecond);
        Assert.Equal(running.Assigned[2], rebuilt.Assign(2).BitsPerSecond);
    }

    [Fact]
    public void A_control_rebuilt_without_the_journal_should_differ_so_the_journal_is_what_keeps_the_asks()
    {
        var running = Control(8);
        (running, _) = running.Assign(0);
        (running, _) = running.Assign(1);
        var calm = new FirstPassModel(Texture: 20_000, Motion: 20_000, Misc: 60_000);
        var busy = new FirstPassModel(Texture: 900_000, Motion: 60_000, Misc: 40_000);
        running = running.Weighed(1, busy.BitsAt(1), busy);
        (running, _) = running.SecondPass(0, calm.BitsAt(1), calm);

        // What a seed without journalled rates rebuilt: the chunks out counted at the target, no weights.
        var blind = Control(8).Recovered([], [], [0, 1], []);

        // Calm chunk 0 was asked for far less than the target, so the chunks still to go may spend more than their share.
        Assert.True(running.Assign(4).BitsPerSecond > blind.Assign(4).BitsPerSecond * 1.05, $"{running.Assign(4).BitsPerSecond} against {blind.Assign(4).BitsPerSecond}");
        Assert.Equal(500_000, blind.Assigned[0]);
    }

    [Fact]
    public void A_retried_job_should_ask_its_unverified_chunks_afresh_and_keep_the_weights_and_the_verified_chunks_rates()
    {
        var verified = new SettledChunk(0, ChunkStates.Done, 1, "box1", 50, []);
        var state = Journal(
        [
            new JobChunkRateAsked(0, 480_000, SecondPass: false, At),
            new JobChunkRateAsked(1, 530_000, SecondPass: false, At),
            new JobChunkWeighed(1, 1234, null, At),
            new JobChunkVerified(verified, At),
            new JobFailed("chunk 1 failed", At),
            new JobRetried(JobStates.Encoding, At),
        ]);

        Assert.Equal([0], state.ChunkRates.Keys);
        Assert.Single(state.ChunkWeights);
    }

    [Fact]
    public void Rate_events_should_round_trip_through_the_journal_serializer_under_stable_manifests()
    {
        var types = SeedEventTypes.Create();
        var asked = new JobChunkRateAsked(3, 559_000, SecondPass: true, At);
        var weighed = new JobChunkWeighed(3, 1.5e6, new FirstPassBits(900_000, 60_000, 40_000, Crf: 31.5, ScaleLog2: -0.25), At);

        Assert.Equal("job-chunk-rate-asked", types.ManifestOf(typeof(JobChunkRateAsked)));
        Assert.Equal("job-chunk-weighed", types.ManifestOf(typeof(JobChunkWeighed)));
        Assert.Equal(asked, types.Deserialize(types.Serialize(asked), "job-chunk-rate-asked"));
        Assert.Equal(weighed, types.Deserialize(types.Serialize(weighed), "job-chunk-weighed"));
        // And in the job's snapshot.
        var state = Journal([asked, weighed]);
        var read = (JobState)types.Deserialize(types.Serialize(state), "job-state");
        Assert.Equal(asked, read.ChunkRates[3]);
        Assert.Equal([weighed], read.ChunkWeights);
        // A weight journalled before first passes said their CRF reads back without one (the seed then never asks that
        // chunk to run its first pass again).
        var older = types.Serialize(weighed with { Model = new FirstPassBits(900_000, 60_000, 40_000) });
        var text = System.Text.Encoding.UTF8.GetString(older);
        Assert.Contains("\"Crf\":null", text, StringComparison.Ordinal);
        var withoutThem = System.Text.Encoding.UTF8.GetBytes(text.Replace(",\"Crf\":null", "", StringComparison.Ordinal).Replace(",\"ScaleLog2\":null", "", StringComparison.Ordinal));
        var old = (JobChunkWeighed)types.Deserialize(withoutThem, "job-chunk-weighed");
        Assert.Equal(new FirstPassBits(900_000, 60_000, 40_000), old.Model);
    }
}
