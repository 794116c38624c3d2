using Flock.Messages.Jobs;
using Flock.Seed.Chunks;

namespace Flock.Seed.Jobs;

/// <summary>
/// Something worth a line in the dashboard's event feed, told by a job to the jobs actor, which keeps the
/// <see cref="JobEventLog"/>. <paramref name="Kind"/> is one of <see cref="JobEventKinds"/>.
/// </summary>
public sealed record JobActivity(DateTimeOffset At, string Kind, string JobId, int? Chunk, string? Node, string Detail)
{
    /// <summary>
    /// What changed in a chunk's attempt history from <paramref name="before"/> (null: nothing known yet) to
    /// <paramref name="after"/>: attempts that failed or were taken back from their node, then new attempts that
    /// retry the chunk after such a one. Attempts run in parallel (a speculative copy) are no retry.
    /// </summary>
    public static IReadOnlyList<JobActivity> Between(string jobId, ChunkState? before, ChunkState after, DateTimeOffset now)
    {
        var found = new List<JobActivity>();
        var earlier = before?.History ?? [];
        foreach (var attempt in after.History)
        {
            var was = earlier.Find(h => h.Attempt == attempt.Attempt);
            if (attempt.Outcome == AttemptOutcomes.Failed && was?.Outcome != AttemptOutcomes.Failed)
                found.Add(new JobActivity(attempt.Ended ?? now, JobEventKinds.ChunkFailed, jobId, after.Index, attempt.Node,
                    $"chunk {after.Index} attempt {attempt.Attempt} failed on {attempt.Node}: {attempt.Error ?? "no reason given"}"));
            else if (attempt.Outcome == AttemptOutcomes.Released && was?.Outcome != AttemptOutcomes.Released)
                found.Add(new JobActivity(attempt.Ended ?? now, JobEventKinds.ChunkReleased, jobId, after.Index, attempt.Node,
                    $"chunk {after.Index} attempt {attempt.Attempt} taken back from {attempt.Node}: {attempt.Error ?? "node gone"}"));
        }
        foreach (var attempt in after.History.Where(a => earlier.All(h => h.Attempt != a.Attempt)))
        {
            var troubled = after.History.Where(h => h.Attempt < attempt.Attempt && h.Outcome is AttemptOutcomes.Failed or AttemptOutcomes.Released).ToList();
            if (troubled.Count == 0) continue;
            found.Add(new JobActivity(attempt.Started, JobEventKinds.ChunkRetried, jobId, after.Index, attempt.Node,
                $"chunk {after.Index} retried on {attempt.Node} (attempt {attempt.Attempt}, after {troubled[^1].Outcome} on {troubled[^1].Node})"));
        }
        return found;
    }
}
