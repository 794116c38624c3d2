using Flock.Messages.Jobs;

namespace Flock.Seed.Chunks;

/// <summary>
/// One attempt of a chunk as it went, kept after it ended so `job show` can say what failed where: the node, when it
/// was handed out and ended, its <see cref="AttemptOutcomes">outcome</see>, the error's first line and the result's bytes.
/// </summary>
/// <remarks>Journalled inside chunk snapshots and a settled job's chunk summary: add fields with defaults only.</remarks>
/// <param name="EncodingAt">When the node said its ffmpeg started (null for attempts recorded before this was kept).</param>
/// <param name="ReceivedAt">When the seed had the attempt's whole result (its verification starts then).</param>
/// <param name="VideoBytes">Bytes of a verified result's video packets (its share of the output, without the chunk's own container).</param>
public sealed record ChunkAttempt(int Attempt, string Node, DateTimeOffset Started, string Outcome, DateTimeOffset? Ended = null, string? Error = null, long? Bytes = null,
    DateTimeOffset? EncodingAt = null, DateTimeOffset? ReceivedAt = null, long? VideoBytes = null)
{
    public bool IsEnded => AttemptOutcomes.IsEnded(Outcome);

    /// <summary>An attempt still running when its job stopped (or another attempt won) was cancelled then.</summary>
    public ChunkAttempt Cancel(DateTimeOffset? at, string? reason) => IsEnded ? this : this with { Outcome = AttemptOutcomes.Cancelled, Ended = at, Error = reason };

    public ChunkAttemptResponse ToResponse() => new(Attempt, Node, Outcome, Started, Ended, Error, Bytes) { EncodingAt = EncodingAt, ReceivedAt = ReceivedAt };
}
