namespace Flock.Seed.Chunks;

/// <summary>What happened to a chunk, in the order it happened; replaying these rebuilds <see cref="ChunkState"/>.</summary>
public abstract record ChunkEvent
{
    /// <summary>
    /// When the seed journalled it (stamped by the chunk actor, so Process stays free of clocks); it dates the end of
    /// an attempt in the chunk's history. Null in events journalled before it existed.
    /// </summary>
    public DateTimeOffset? RecordedAt { get; init; }
}

public sealed record ChunkAssigned(string Node, int Attempt, DateTimeOffset At) : ChunkEvent;

public sealed record ChunkEncodingStarted(string Node, int Attempt) : ChunkEvent;

public sealed record ChunkResultReceived(string Node, int Attempt, string Sha256, long Bytes) : ChunkEvent;

public sealed record ChunkVerified(string Node, int Attempt, string Sha256, int Frames) : ChunkEvent
{
    /// <summary>Bytes of the result's video packets; null in events journalled before it was kept.</summary>
    public long? VideoBytes { get; init; }
}

/// <summary>
/// An attempt ended without a usable result (ffmpeg error, bad upload, failed check); the chunk goes back to the queue.
/// <paramref name="EntryBlamed"/>: it started decoding at a keyframe that proved a bad entry point; the node is not at fault.
/// </summary>
public sealed record ChunkAttemptFailed(string Node, int Attempt, string Error, bool EntryBlamed = false) : ChunkEvent;

/// <summary>The node holding the chunk left or became unreachable; nothing was wrong with the chunk.</summary>
public sealed record ChunkReleased(string Node, int Attempt, string Reason) : ChunkEvent;

/// <summary>The chunk failed on too many different nodes: the job fails with this reason.</summary>
public sealed record ChunkFailed(string Reason) : ChunkEvent;

/// <summary>Its job is run again (`pbm job retry`): the chunk is pending with a clean failure record.</summary>
public sealed record ChunkRetried(DateTimeOffset At) : ChunkEvent;
