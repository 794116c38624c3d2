namespace Flock.Seed.Chunks;

/// <summary>
/// One attempt of a chunk that has not ended yet: running on a node, released from a node that may still come back
/// with a result, or with its result under verification. A chunk has more than one when it is run speculatively.
/// </summary>
public sealed record ChunkRun(int Attempt, string Node, DateTimeOffset At, bool Encoding = false, bool Released = false, bool Verifying = false, string? Sha256 = null)
{
    /// <summary>Still being worked on by a node the seed counts on.</summary>
    public bool IsLive => !Released && !Verifying;
}
