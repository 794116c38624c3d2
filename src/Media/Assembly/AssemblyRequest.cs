using Flock.Media.Planning;
using Flock.Media.Probing;

namespace Flock.Media.Assembly;

/// <summary>
/// Everything the seed joins into one output: verified chunk files in plan order, the source for every other stream,
/// or for their packets the copy <see cref="OtherStreams"/> made of them (<paramref name="OtherStreamsPath"/>), and the
/// source's cover pictures the output keeps, copied out of it (<paramref name="Covers"/>, see <see cref="CoverPictures"/>).
/// </summary>
public sealed record AssemblyRequest(
    string SourcePath,
    MediaInfo Source,
    ChunkPlan Plan,
    IReadOnlyList<string> ChunkFiles,
    string OutputPath,
    IReadOnlyList<string> AudioOptions,
    IReadOnlyList<string> SubtitleOptions,
    string WorkDirectory,
    string? OtherStreamsPath = null,
    IReadOnlyList<CoverFile>? Covers = null);
