namespace Flock.Seed.Chunks;

/// <summary>What a chunk is asked to do; <see cref="ChunkState.Process"/> turns each into events or a refusal.</summary>
public abstract record ChunkCommand;

public sealed record AssignChunkTo(string Node, DateTimeOffset At) : ChunkCommand;

public sealed record StartEncoding(string Node, int Attempt) : ChunkCommand;

public sealed record AcceptResult(string Node, int Attempt, string Sha256, long Bytes) : ChunkCommand;

public sealed record MarkVerified(string Node, int Attempt, string Sha256, int Frames) : ChunkCommand;

public sealed record FailAttempt(string Node, int Attempt, string Error) : ChunkCommand;

public sealed record ReleaseFromNode(string Node, string Reason) : ChunkCommand;

/// <summary>The job runs again: anything not verified (and not being verified) goes back to the queue.</summary>
public sealed record RetryChunk(DateTimeOffset At) : ChunkCommand;
