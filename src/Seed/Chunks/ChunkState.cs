using System.Collections.Immutable;
using Flock.Messages.Jobs;

namespace Flock.Seed.Chunks;

/// <summary>
/// A chunk's whole life as an immutable value: <see cref="Process"/> decides, <see cref="Apply"/> records. The actor
/// persists what Process returns and applies it, and recovery is the same Apply over the journal.
/// </summary>
public sealed record ChunkState(
    int Index,
    string Status,
    int Attempts,
    int CurrentAttempt,
    string? Node,
    ImmutableList<string> FailedNodes,
    string? LastError,
    string? Sha256,
    int Frames)
{
    /// <summary>A chunk that failed on this many different nodes fails its job.</summary>
    public const int MaxFailedNodes = 3;

    /// <summary>Attempts that failed, any node: a bound so a chunk that fails on one lonely node cannot loop forever.</summary>
    public const int MaxFailedAttempts = 6;

    public static ChunkState Initial(int index) => new(index, ChunkStates.Pending, 0, 0, null, [], null, null, 0);

    public bool IsFinal => Status is ChunkStates.Done or ChunkStates.Failed;

    public bool IsHeldBy(string node) => Node == node && Status is ChunkStates.Assigned or ChunkStates.Encoding;

    public ChunkState Apply(ChunkEvent e) => e switch
    {
        ChunkAssigned a => this with { Status = ChunkStates.Assigned, Attempts = Attempts + 1, CurrentAttempt = a.Attempt, Node = a.Node },
        ChunkEncodingStarted s => this with { Status = ChunkStates.Encoding, Node = s.Node },
        ChunkResultReceived r => this with { Status = ChunkStates.Verifying, Node = r.Node, CurrentAttempt = r.Attempt },
        ChunkVerified v => this with { Status = ChunkStates.Done, Node = v.Node, Sha256 = v.Sha256, Frames = v.Frames, CurrentAttempt = v.Attempt },
        ChunkAttemptFailed f => this with { Status = ChunkStates.Pending, Node = null, LastError = f.Error, FailedNodes = FailedNodes.Add(f.Node) },
        ChunkReleased => this with { Status = ChunkStates.Pending, Node = null },
        ChunkFailed f => this with { Status = ChunkStates.Failed, Node = null, LastError = f.Reason },
        ChunkRetried => this with { Status = ChunkStates.Pending, Node = null, FailedNodes = [], LastError = null },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "unknown chunk event"),
    };

    /// <summary>The events a command leads to; an empty list means the command no longer applies (late or duplicate) and is dropped.</summary>
    public IReadOnlyList<ChunkEvent> Process(ChunkCommand command) => command switch
    {
        AssignChunkTo a when Status == ChunkStates.Pending => [new ChunkAssigned(a.Node, Attempts + 1, a.At)],
        StartEncoding s when Status == ChunkStates.Assigned && s.Attempt == CurrentAttempt && s.Node == Node => [new ChunkEncodingStarted(s.Node, s.Attempt)],
        // A late result from an attempt that was released is still good work: accept it once, unless the chunk is already settled.
        AcceptResult r when !IsFinal && Status != ChunkStates.Verifying && r.Attempt >= 1 && r.Attempt <= Attempts => [new ChunkResultReceived(r.Node, r.Attempt, r.Sha256, r.Bytes)],
        MarkVerified v when Status == ChunkStates.Verifying && v.Attempt == CurrentAttempt => [new ChunkVerified(v.Node, v.Attempt, v.Sha256, v.Frames)],
        FailAttempt f when (Status is ChunkStates.Assigned or ChunkStates.Encoding or ChunkStates.Verifying) && f.Attempt == CurrentAttempt => FailAndMaybeGiveUp(f),
        ReleaseFromNode r when IsHeldBy(r.Node) => [new ChunkReleased(r.Node, CurrentAttempt, r.Reason)],
        RetryChunk r when Status is ChunkStates.Failed or ChunkStates.Assigned or ChunkStates.Encoding
            || (Status == ChunkStates.Pending && FailedNodes.Count > 0) => [new ChunkRetried(r.At)],
        _ => [],
    };

    private IReadOnlyList<ChunkEvent> FailAndMaybeGiveUp(FailAttempt f)
    {
        var failed = new ChunkAttemptFailed(f.Node, f.Attempt, f.Error);
        var after = Apply(failed);
        var distinct = after.FailedNodes.Distinct().Count();
        if (distinct >= MaxFailedNodes || after.FailedNodes.Count >= MaxFailedAttempts)
            return [failed, new ChunkFailed($"chunk {Index} failed on {distinct} node(s), {after.FailedNodes.Count} attempt(s): {f.Error}")];
        return [failed];
    }
}
