using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Flock.Seed.Jobs;
using Flock.Seed.Storage;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>Retention's compaction of a settled job, as pure state: what its snapshot keeps and which journals it deletes.</summary>
public sealed class JobCompactionTests
{
    private static readonly DateTimeOffset At = JobSample.SubmittedAt.AddMinutes(2);

    private static SettledChunk Verified(int index) => JobSample.VerifiedChunk(index, At);

    /// <summary>12 chunks on demand: 0 and 2 verified, 1 and 3 opened and failed with the job, the rest never started.</summary>
    private static JobState Failed() => new JobEvent[]
    {
        new JobPlanned(12, 3000, "libx264"), new JobChunksOpened([0, 1, 2, 3], At), new JobChunkVerified(Verified(0), At), new JobChunkVerified(Verified(2), At),
        new JobChunksSettled([Verified(0), Verified(2)], At), new JobFailed("boom", At),
    }.Aggregate(JobState.Start(new JobSubmitted(JobSample.Spec, JobSample.SubmittedAt, ChunksOnDemand: true)), (s, e) => s.Apply(e));

    [Fact]
    public void Compacted_job_should_delete_the_journals_of_every_chunk_that_had_one()
    {
        Assert.Equal(["chunk-7-0", "chunk-7-1", "chunk-7-2", "chunk-7-3"], Failed().ChunkPersistenceIds("7"));
    }

    [Fact]
    public void Compacted_job_should_keep_what_job_show_reads_and_forget_which_chunks_had_journals()
    {
        var failed = Failed();
        var compacted = failed.Compact();

        Assert.True(compacted.Compacted);
        Assert.Empty(compacted.OpenedChunks);
        Assert.Equal((failed.Stage, failed.Error, failed.FinishedAt, failed.TotalFrames), (compacted.Stage, compacted.Error, compacted.FinishedAt, compacted.TotalFrames));
        Assert.Same(failed.SettledChunks, compacted.SettledChunks);
        Assert.Equal(failed.VerifiedChunks, compacted.VerifiedChunks);
        // A retry gives the unfinished chunks fresh actors as they are handed out: none is read back from a journal.
        Assert.Empty(compacted.ChunksNeedingActors(12));
    }

    [Fact]
    public void Retried_compacted_job_should_be_compacted_again_once_it_settles()
    {
        var retried = Failed().Compact().Apply(new JobRetried(JobStates.Encoding, At));

        Assert.False(retried.Compacted);
        Assert.Equal([0, 2], retried.VerifiedChunks.Keys);
    }

    [Fact]
    public void Compacted_state_should_survive_the_journal_serializer()
    {
        var registry = SeedEventTypes.Create();
        var compacted = Failed().Compact();

        var back = (JobState)registry.Deserialize(registry.Serialize(compacted), registry.ManifestOf(typeof(JobState)));

        Assert.True(back.Compacted);
        Assert.Empty(back.OpenedChunks);
        Assert.Equal(compacted.SettledChunks!.Select(c => (c.Index, c.Status, c.Attempts)), back.SettledChunks!.Select(c => (c.Index, c.Status, c.Attempts)));
    }

    [Fact]
    public void Queue_snapshot_should_survive_the_journal_serializer_under_its_manifest()
    {
        var registry = SeedEventTypes.Create();

        Assert.Equal("accepted-jobs", registry.ManifestOf(typeof(AcceptedJobs)));
        var back = (AcceptedJobs)registry.Deserialize(registry.Serialize(new AcceptedJobs(["1", "2", "10"])), "accepted-jobs");

        Assert.Equal(["1", "2", "10"], back.JobIds);
    }
}
