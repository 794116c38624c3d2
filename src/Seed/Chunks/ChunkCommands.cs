namespace Flock.Seed.Chunks;

/// <summary>What a chunk is asked to do; <see cref="ChunkState.Process"/> turns each into events or a refusal.</summary>
public abstract record ChunkCommand;

/// <param name="Peers">Other nodes that could take the chunk: a node that already failed it waits for one of them.</param>
public sealed record AssignChunkTo(string Node, DateTimeOffset At, IReadOnlyCollection<string>? Peers = null) : ChunkCommand;

public sealed record StartEncoding(string Node, int Attempt) : ChunkCommand;

public sealed record AcceptResult(string Node, int Attempt, string Sha256, long Bytes) : ChunkCommand;

public sealed record MarkVerified(string Node, int Attempt, string Sha256, int Frames) : ChunkCommand
{
    /// <summary>Bytes of the result's video packets (a job with a bitrate target steers by them).</summary>
    public long? VideoBytes { get; init; }
}

/// <param name="SourceDecode">The node found the source did not decode cleanly from where it started.</param>
/// <param name="BlamedEntry">The attempt failed because of the keyframe it started decoding from (now known bad), not the node: it does not count against the node or the chunk's tries.</param>
public sealed record FailAttempt(string Node, int Attempt, string Error, bool SourceDecode = false, long? BlamedEntry = null) : ChunkCommand;

public sealed record ReleaseFromNode(string Node, string Reason) : ChunkCommand;

/// <summary>Run the chunk a second time on an idle node while its first attempt is still going; the first verified result wins.</summary>
public sealed record SpeculateOn(string Node, DateTimeOffset At, TimeSpan MinElapsed) : ChunkCommand;

/// <summary>
/// An idle node takes over a chunk that still waits, not started, in <paramref name="From"/>'s reserve: the waiting
/// attempt is released (and cancelled on that node) and a new attempt goes to <paramref name="Node"/>.
/// </summary>
public sealed record TakeOver(string Node, string From, DateTimeOffset At) : ChunkCommand;

/// <summary>The job runs again: anything not verified (and not being verified) goes back to the queue.</summary>
public sealed record RetryChunk(DateTimeOffset At) : ChunkCommand;
