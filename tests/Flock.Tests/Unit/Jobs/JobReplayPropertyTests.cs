using System.Text.Json;
using Flock.Messages.Jobs;
using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>A job is rebuilt from its journal: over random event offers, the replayed state equals the live one.</summary>
public sealed class JobReplayPropertyTests
{
    [Fact]
    public void Replaying_the_journal_should_rebuild_the_live_job_state_for_random_event_sequences()
    {
        var stagesSeen = new HashSet<string>();
        for (var seed = 0; seed < 500; seed++)
        {
            var random = new Random(seed);
            var (live, journal) = Drive(random, random.Next(0, 12));

            var replayed = journal.Skip(1).Aggregate(JobState.Start((JobSubmitted)journal[0]), (s, e) => s.Apply(e));

            Assert.Equal(JsonSerializer.Serialize(live), JsonSerializer.Serialize(replayed));
            stagesSeen.Add(live.Stage);
        }
        // Guards the generator: every stage must be reached by some sequence.
        Assert.Equal(["assembling", "cancelled", "completed", "encoding", "failed", "queued"], stagesSeen.Order());
    }

    /// <summary>Offers random events the way JobActor does (only those <see cref="JobState.Accepts"/>), journalling each.</summary>
    internal static (JobState Live, List<JobEvent> Journal) Drive(Random random, int offers)
    {
        var submitted = new JobSubmitted(JobSample.Spec with { Id = $"job-{random.Next(1000)}" }, JobSample.SubmittedAt.AddSeconds(random.Next(100)));
        var journal = new List<JobEvent> { submitted };
        var live = JobState.Start(submitted);
        for (var i = 0; i < offers; i++)
        {
            var at = JobSample.SubmittedAt.AddSeconds(random.Next(10_000));
            JobEvent offer = random.Next(7) switch
            {
                0 => new JobPlanned(random.Next(1, 50), random.Next(1, 5000), random.Next(2) == 0 ? "libx264" : "libx265"),
                1 or 2 => new JobAssemblyStarted(at),
                3 => new JobCompleted($"/out/{random.Next(5)}.mkv", at),
                4 => random.Next(2) == 0 ? new JobFailed($"reason {random.Next(9)}", at) : new JobPlanned(3, 90, "libx264"),
                5 => random.Next(3) == 0 ? new JobCancelled(at)
                    : random.Next(2) == 0 ? new JobChunksSettled([new SettledChunk(random.Next(3), ChunkStates.Cancelled, 1, "box1", 0, [])], at)
                    : new JobAssemblyStarted(at),
                _ => new JobRetried(random.Next(2) == 0 ? JobStates.Encoding : JobStates.Queued, at),
            };
            if (!live.Accepts(offer)) continue;
            live = live.Apply(offer);
            journal.Add(offer);
        }
        return (live, journal);
    }
}
