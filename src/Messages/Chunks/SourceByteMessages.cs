using Akka.IO;
using Akka.Streams;
using Flock.Messages.Cluster;

namespace Flock.Messages.Chunks;

/// <summary>
/// Node to seed, through its control session: the bytes of a job's source from <paramref name="Start"/> to
/// <paramref name="Last"/> (inclusive; null: to the end), answered with <see cref="FetchSourceBytesResponse"/>. With
/// the chunk's <paramref name="Span"/> the seed answers only as far as the chunk needs, exactly as it cut HTTP range
/// reads; ffmpeg reads on from where an answer ends.
/// </summary>
public sealed record FetchSourceBytes(string JobId, long Start, long? Last, SourceByteSpan? Span) : ControlMessage;

/// <summary>
/// The answer to <see cref="FetchSourceBytes"/>: bytes [<paramref name="Start"/>, <paramref name="End"/>) of a source
/// <paramref name="Length"/> bytes long, as a StreamRef of elements of at most 64 KiB. With <paramref name="Error"/>,
/// no bytes. Not a control message: the stream reference crosses the wire through its own serializer.
/// </summary>
/// <param name="NotFound">the job or its source is gone (cancelled, cleaned up); else the range was not satisfiable or the read failed.</param>
public sealed record FetchSourceBytesResponse(long Length, long Start, long End, ISourceRef<ByteString>? Bytes, string? Error = null, bool NotFound = false);
