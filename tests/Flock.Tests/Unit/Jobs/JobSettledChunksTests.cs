using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Flock.Seed.Jobs;
using Flock.Seed.Storage;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>A settled job keeps where its chunks stood in its own journal: a restarted seed spawns no chunk actors for it.</summary>
public sealed class JobSettledChunksTests
{
    private static readonly DateTimeOffset At = JobSample.SubmittedAt.AddMinutes(2);

    private static ChunkState Chunk(int index, params ChunkEvent[] events) => events.Aggregate(ChunkState.Initial(index), (s, e) => s.Apply(e));

    [Fact]
    public void Cancelled_jobs_unfinished_chunks_should_read_cancelled_and_their_running_attempts_end_then()
    {
        var done = Chunk(0, new ChunkAssigned("box1", 1, JobSample.SubmittedAt), new ChunkResultReceived("box1", 1, "aa", 10), new ChunkVerified("box1", 1, "aa", 75));
        var encoding = Chunk(1, new ChunkAssigned("box2", 1, JobSample.SubmittedAt), new ChunkEncodingStarted("box2", 1));
        var assigned = Chunk(2, new ChunkAssigned("box1", 1, JobSample.SubmittedAt));
        var pending = ChunkState.Initial(3);

        var settled = new[] { done, encoding, assigned, pending }.Select(c => SettledChunk.Of(c, At, "job cancelled")).ToList();

        Assert.Equal([ChunkStates.Done, ChunkStates.Cancelled, ChunkStates.Cancelled, ChunkStates.Cancelled], settled.Select(c => c.Status));
        Assert.Equal([75, 0, 0, 0], settled.Select(c => c.Frames));
        Assert.Equal("box2", settled[1].Node);
        Assert.Equal(new ChunkAttempt(1, "box2", JobSample.SubmittedAt, AttemptOutcomes.Cancelled, At, "job cancelled"), Assert.Single(settled[1].History));
        Assert.Equal(AttemptOutcomes.Done, Assert.Single(settled[0].History).Outcome);
        Assert.Empty(settled[3].History);
    }

    [Fact]
    public void Failed_chunk_should_stay_failed_in_the_summary_with_every_failed_attempt()
    {
        var failed = Chunk(4, new ChunkAssigned("a", 1, At), new ChunkAttemptFailed("a", 1, "boom"), new ChunkAssigned("b", 2, At), new ChunkAttemptFailed("b", 2, "boom"),
            new ChunkFailed("chunk 4 failed on 2 nodes"));

        var settled = SettledChunk.Of(failed, At, "job failed");

        Assert.Equal(ChunkStates.Failed, settled.Status);
        Assert.Equal(2, settled.Attempts);
        Assert.All(settled.History, h => Assert.Equal(AttemptOutcomes.Failed, h.Outcome));
    }

    [Fact]
    public void Job_state_should_keep_the_summary_once_settled_and_drop_it_on_retry()
    {
        var summary = new JobChunksSettled([new SettledChunk(0, ChunkStates.Cancelled, 1, "box1", 0, [])], At);
        var job = JobSample.Encoding();

        Assert.True(job.Accepts(summary));
        var cancelled = job.Apply(summary).Apply(new JobCancelled(At));

        Assert.Equal(JobStates.Cancelled, cancelled.Stage);
        Assert.Same(summary.Chunks, cancelled.SettledChunks);
        Assert.Null(cancelled.Apply(new JobRetried(JobStates.Encoding, At.AddMinutes(1))).SettledChunks);
    }

    [Fact]
    public void Settled_chunks_should_round_trip_through_the_journal_serializer_under_a_stable_manifest()
    {
        var types = SeedEventTypes.Create();
        var e = new JobChunksSettled(
        [
            new SettledChunk(0, ChunkStates.Done, 2, "box1", 75,
            [
                new ChunkAttempt(1, "box2", At, AttemptOutcomes.Failed, At.AddSeconds(3), "ffmpeg failed on chunk 0: boom"),
                new ChunkAttempt(2, "box1", At.AddSeconds(4), AttemptOutcomes.Done, At.AddSeconds(9), null, 4096),
            ]),
        ], At);

        Assert.Equal("job-chunks-settled", types.ManifestOf(typeof(JobChunksSettled)));
        var read = (JobChunksSettled)types.Deserialize(types.Serialize(e), "job-chunks-settled");

        var chunk = Assert.Single(read.Chunks);
        Assert.Equal(e.Chunks[0] with { History = chunk.History }, chunk);
        Assert.Equal(e.Chunks[0].History, chunk.History);
        Assert.Equal(At, read.At);
    }
}
