using Flock.Messages.Jobs;

namespace Flock.Seed.Chunks;

/// <summary>
/// One attempt of a chunk as it went, kept after it ended so `job show` can say what failed where: the node, when it
/// was handed out and ended, its <see cref="AttemptOutcomes">outcome</see>, the error's first line and the result's bytes.
/// </summary>
/// <remarks>Journalled inside chunk snapshots and a settled job's chunk summary: add fields with defaults only.</remarks>
public sealed record ChunkAttempt(int Attempt, string Node, DateTimeOffset Started, string Outcome, DateTimeOffset? Ended = null, string? Error = null, long? Bytes = null)
{
    public bool IsEnded => AttemptOutcomes.IsEnded(Outcome);

    /// <summary>An attempt still running when its job stopped (or another attempt won) was cancelled then.</summary>
    public ChunkAttempt Cancel(DateTimeOffset? at, string? reason) => IsEnded ? this : this with { Outcome = AttemptOutcomes.Cancelled, Ended = at, Error = reason };

    public ChunkAttemptResponse ToResponse() => new(Attempt, Node, Outcome, Started, Ended, Error, Bytes);
}
