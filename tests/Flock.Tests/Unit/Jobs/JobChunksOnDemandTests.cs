using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Flock.Seed.Jobs;
using Flock.Seed.Storage;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>A chunk has an actor only from its first claim until it is verified: a replayed job says which chunks a restarted seed recovers as actors.</summary>
public sealed class JobChunksOnDemandTests
{
    private static readonly DateTimeOffset At = JobSample.SubmittedAt.AddMinutes(2);

    private static JobState OnDemand() => JobState.Start(new JobSubmitted(JobSample.Spec, JobSample.SubmittedAt, ChunksOnDemand: true)).Apply(new JobPlanned(12, 3000, "libx264"));

    private static SettledChunk Verified(int index) => JobSample.VerifiedChunk(index, At);

    [Fact]
    public void Planned_job_should_need_no_chunk_actor_before_any_chunk_is_handed_out()
    {
        Assert.Empty(OnDemand().ChunksNeedingActors(12));
    }

    [Fact]
    public void Replayed_job_should_recover_only_the_opened_chunks_that_are_not_verified()
    {
        var job = new JobEvent[]
        {
            new JobChunksOpened([0], At), new JobChunksOpened([1], At), new JobChunksOpened([2], At),
            new JobChunkVerified(Verified(0), At), new JobChunksOpened([3], At), new JobChunkVerified(Verified(2), At),
        }.Aggregate(OnDemand(), (s, e) => s.Apply(e));

        Assert.Equal([1, 3], job.ChunksNeedingActors(12));
        Assert.Equal([0, 2], job.VerifiedChunks.Keys);
        Assert.True(job.IsOpened(2));
        Assert.False(job.IsOpened(4));
    }

    [Fact]
    public void Job_from_a_journal_before_chunks_on_demand_should_recover_every_chunk_not_verified()
    {
        // Its JobSubmitted has no ChunksOnDemand: every chunk of it got an actor and a journal when it was planned.
        var old = (JobSubmitted)SeedEventTypes.Create().Deserialize(
            System.Text.Encoding.UTF8.GetBytes("""{"Spec":{"Id":"job-1","InputPath":"/data/in.mkv","InputName":"in.mkv","OutputPath":"/out/result.mkv","Options":["-crf","20"],"ChunkSeconds":30,"Priority":0},"At":"2025-03-01T09:00:00+00:00"}"""),
            "job-submitted");
        var job = JobState.Start(old).Apply(new JobPlanned(4, 1000, "libx264"));

        Assert.False(job.ChunksOnDemand);
        Assert.Equal([0, 1, 2, 3], job.ChunksNeedingActors(4));
        Assert.Equal([0, 2, 3], job.Apply(new JobChunkVerified(Verified(1), At)).ChunksNeedingActors(4));
    }

    [Fact]
    public void Verified_chunk_should_stay_verified_through_a_retry_and_not_be_opened_again()
    {
        var job = OnDemand().Apply(new JobChunksOpened([5], At)).Apply(new JobChunkVerified(Verified(5), At)).Apply(new JobChunksOpened([5], At))
            .Apply(new JobFailed("boom", At)).Apply(new JobRetried(JobStates.Encoding, At));

        Assert.Empty(job.ChunksNeedingActors(12));
        Assert.Equal(ChunkStates.Done, job.VerifiedChunks[5].Status);
    }

    [Fact]
    public void Verified_summary_should_give_back_the_chunk_as_the_job_shows_it()
    {
        var state = Verified(7).ToState();

        Assert.Equal(ChunkStates.Done, state.Status);
        Assert.Equal((7, 1, "box1", 250, "ab12", 1), (state.Index, state.Attempts, state.Node, state.Frames, state.Sha256, state.CurrentAttempt));
        Assert.Empty(state.Runs);
        var attempt = Assert.Single(state.History);
        Assert.Equal((AttemptOutcomes.Done, 4096L, At.AddSeconds(9)), (attempt.Outcome, attempt.Bytes!.Value, attempt.Ended!.Value));
    }

    [Fact]
    public void Job_snapshot_should_round_trip_with_its_verified_and_opened_chunks()
    {
        var types = SeedEventTypes.Create();
        var job = OnDemand().Apply(new JobChunksOpened([0, 1], At)).Apply(new JobChunkVerified(Verified(0), At))
            .Apply(new JobEntryPointRejected(9000, 3.0, "bad", At)).Apply(new JobPriorityChanged(3, At));

        Assert.Equal("job-state", types.ManifestOf(typeof(JobState)));
        var read = (JobState)types.Deserialize(types.Serialize(job), "job-state");

        Assert.Equal(job.ChunksNeedingActors(12), read.ChunksNeedingActors(12));
        Assert.Equal(job.VerifiedChunks[0] with { History = [] }, read.VerifiedChunks[0] with { History = [] });
        Assert.Equal(job.VerifiedChunks[0].History, read.VerifiedChunks[0].History);
        Assert.Equal((job.Stage, job.ChunkCount, job.TotalFrames, job.Spec.Priority, job.ChunksOnDemand), (read.Stage, read.ChunkCount, read.TotalFrames, read.Spec.Priority, read.ChunksOnDemand));
        Assert.Equal(job.Spec.Options, read.Spec.Options);
        Assert.Equal(job.BadEntryPts, read.BadEntryPts);
    }

    [Fact]
    public void Chunk_events_of_the_job_should_have_stable_manifests()
    {
        var types = SeedEventTypes.Create();
        var opened = new JobChunksOpened([3, 4], At);

        Assert.Equal("job-chunks-opened", types.ManifestOf(typeof(JobChunksOpened)));
        Assert.Equal("job-chunk-verified", types.ManifestOf(typeof(JobChunkVerified)));
        Assert.Equal(opened.Indices, ((JobChunksOpened)types.Deserialize(types.Serialize(opened), "job-chunks-opened")).Indices);
        var verified = (JobChunkVerified)types.Deserialize(types.Serialize(new JobChunkVerified(Verified(2), At)), "job-chunk-verified");
        Assert.Equal(("ab12", 250, ChunkStates.Done), (verified.Chunk.Sha256, verified.Chunk.Frames, verified.Chunk.Status));
    }
}
