using Flock.Messages.Cluster;

namespace Flock.Messages.Chunks;

/// <summary>
/// Everything a node needs to encode one chunk exactly. The node reads the source through
/// <paramref name="SourcePath"/> (range reads on its loopback relay, each relayed to the seed over its control session), seeks to <paramref name="SeekSeconds"/> (ffmpeg lands on
/// the keyframe at or before it) and keeps exactly the frames whose timestamps, in the source stream's time base,
/// fall in [<paramref name="StartPts"/>, <paramref name="EndPts"/>); EndPts null means to the end.
/// <paramref name="SourceBytes"/>, when the seed knows where the chunk's packets lie, lets the node ask the seed for
/// only those bytes (see <see cref="SourceByteSpan"/>).
/// </summary>
public sealed record AssignChunk(
    string JobId,
    int ChunkIndex,
    int Attempt,
    string SourcePath,
    double? SeekSeconds,
    long StartPts,
    long? EndPts,
    int StreamIndex,
    long TimeBaseDenominator,
    IReadOnlyList<string> VideoOptions,
    string? VideoFilter,
    int ExpectedFrames,
    SourceByteSpan? SourceBytes = null) : ControlMessage
{
    /// <summary>The numerator of the stream's time base (the denominator is above); 1 from a seed that did not say.</summary>
    public long TimeBaseNumerator { get; init; } = 1;

    /// <summary>
    /// How many of the chunk's first frames the node hashes whole (the seed compares no more of them); every later frame
    /// is hashed by its corner only, to be counted. Null (and from a seed that did not say): every frame whole.
    /// </summary>
    public int? WholeHashFrames { get; init; }
}

/// <summary>
/// Where a chunk's packets lie in the source file. [<paramref name="Start"/>, <paramref name="End"/>) holds every
/// packet of the video stream from the chunk's entry keyframe to its last frame (and whatever is interleaved with
/// them); <paramref name="MediaStart"/> is where the stream's first packet lies: before it is the container's header.
/// </summary>
public sealed record SourceByteSpan(long MediaStart, long Start, long End);

/// <summary>The seed no longer wants this attempt (job cancelled, chunk reassigned, or another node won the race).</summary>
public sealed record CancelChunk(string JobId, int ChunkIndex, int Attempt, string Reason) : ControlMessage;

public sealed record ReportChunkProgress(string JobId, int ChunkIndex, int Attempt, int Frames, double FramesPerSecond) : ControlMessage;

/// <summary>
/// <paramref name="Error"/> carries ffmpeg's own last error lines, so a failed job explains itself.
/// <paramref name="SourceDecode"/>: the source did not decode cleanly from where the node was told to start, which the
/// seed may blame on that entry point rather than on the node.
/// <paramref name="NodeFault"/>: the node's own trouble, not the chunk's (its work dir ran out of space): the chunk goes
/// back to the queue without a try counted against it, so a job never fails because its nodes' disks are full.
/// </summary>
public sealed record ReportChunkFailed(string JobId, int ChunkIndex, int Attempt, string Error, bool SourceDecode = false, bool NodeFault = false) : ControlMessage;
