using Flock.Media.Probing;

namespace Flock.Media.Live;

/// <summary>
/// What a job's live view takes from the job besides its chunks: the source (for its audio), the audio options and
/// the output path (whose container decides, as for the output, whether the audio is copied or encoded), and the video
/// encoder (HEVC is tagged hvc1, the sample entry Safari plays).
/// </summary>
public sealed record LiveSource(string SourcePath, MediaInfo Source, IReadOnlyList<string> AudioOptions, string OutputPath, string VideoEncoder)
{
    public string? VideoTag => VideoEncoder is "libx265" || VideoEncoder.StartsWith("hevc", StringComparison.Ordinal) ? "hvc1" : null;
}
