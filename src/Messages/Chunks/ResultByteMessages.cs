using Akka.IO;
using Akka.Streams;
using Flock.Messages.Cluster;

namespace Flock.Messages.Chunks;

/// <summary>
/// Node to seed, through its control session: the node holds a file of this chunk attempt, <paramref name="Length"/>
/// bytes with this SHA-256, and will send it. With <paramref name="FrameHashes"/> the file is the frame hashes of the
/// source frames the chunk was encoded from (sent first, whole); otherwise the encoded result, continued from what the
/// seed already holds of it. <paramref name="Window"/>: how many elements the node would have in flight, from what its
/// last upload on this session measured the link to carry in half a second (0: not measured yet, the narrowest; see
/// <see cref="ChunkStreams.Window"/>). Answered with <see cref="SendChunkResultResponse"/>.
/// </summary>
public sealed record SendChunkResult(string JobId, int ChunkIndex, int Attempt, bool FrameHashes, long Length, string Sha256, int Window = 0) : ControlMessage;

/// <summary>
/// The answer to <see cref="SendChunkResult"/>: send bytes [<paramref name="Held"/>, length) into <paramref name="Bytes"/>,
/// a StreamRef taking elements of at most 64 KiB, then ask <see cref="FetchChunkResultOutcome"/>. Without a stream,
/// <paramref name="Error"/> says why: worth another try later, unless <paramref name="NotWanted"/> (the job is gone).
/// Not a control message: the stream reference crosses the wire through its own serializer.
/// </summary>
public sealed record SendChunkResultResponse(long Held, ISinkRef<ByteString>? Bytes, string? Error = null, bool NotWanted = false);

/// <summary>Node to seed, once its bytes are sent: what became of them (checked, then handed to the chunk). Answered with <see cref="FetchChunkResultOutcomeResponse"/>.</summary>
public sealed record FetchChunkResultOutcome(string JobId, int ChunkIndex, int Attempt, bool FrameHashes) : ControlMessage;

/// <summary>
/// The seed took the file (<paramref name="Accepted"/>), does not want it (<paramref name="NotWanted"/>: the chunk was
/// done elsewhere, or the job is gone), or neither: <paramref name="Message"/> says what to fix by sending again
/// (damaged in transit, interrupted, the seed's disk full).
/// </summary>
public sealed record FetchChunkResultOutcomeResponse(bool Accepted, bool NotWanted, string Message) : ControlMessage;
