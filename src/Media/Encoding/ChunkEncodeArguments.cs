using System.Globalization;

namespace Flock.Media.Encoding;

/// <summary>What a node needs to know to run ffmpeg on one chunk.</summary>
public sealed record ChunkEncodeSpec(
    string SourceUrl,
    string? AuthorizationHeader,
    double? SeekSeconds,
    int StreamIndex,
    long TimeBaseDenominator,
    long StartPts,
    long? EndPts,
    IReadOnlyList<string> VideoOptions,
    string? VideoFilter,
    string OutputPath)
{
    /// <summary>
    /// Where the same ffmpeg pass writes a hash of every source frame it fed the encoder (framehash with murmur3, fast enough to cost little beside a decode, of the trimmed,
    /// decoded frames, before any video filter), so the seed can check the decode itself; null: not written.
    /// </summary>
    public string? FrameHashPath { get; init; }

    /// <summary>
    /// With <see cref="FrameHashPath"/>: how many of the chunk's first frames are hashed whole; every later frame only by
    /// its top-left corner, so the seed still counts them (see <see cref="ChunkFrameHashes"/>). Null: every frame whole.
    /// </summary>
    public int? WholeHashFrames { get; init; }

    /// <summary>The numerator of the stream's time base (<see cref="TimeBaseDenominator"/> is its denominator).</summary>
    public long TimeBaseNumerator { get; init; } = 1;

    /// <summary>Over HTTPS: the only certificate ffmpeg may trust (the seed's pinned one) and the name to verify in it.</summary>
    public (string CaFile, string VerifyHost)? Tls { get; init; }
}

/// <summary>
/// The one ffmpeg command line for a chunk. `-copyts` keeps the source's own timestamps, so the trim compares exact
/// integers in the stream's time base (no float rounding at boundaries) and the chunk file carries the final
/// timestamps; `-enc_time_base -1` stops the encoder quantising VFR timestamps to 1/fps; MP4 keeps the time base,
/// and its movie timescale is set to it so the edit list does not round the start to milliseconds. `-xerror` stops at
/// the first decode error ffmpeg reports as one; the concealed ones only show on stderr (see <see cref="Processes.DecodeErrors"/>).
/// With <see cref="ChunkEncodeSpec.FrameHashPath"/>, the trimmed frames are split: one copy to the encoder (through the
/// user's filter), one to a framehash file, so the hashes are of exactly the frames encoded, at no second decode.
/// </summary>
public static class ChunkEncodeArguments
{
    public static IReadOnlyList<string> Build(ChunkEncodeSpec spec)
    {
        var args = new List<string> { "-nostdin", "-hide_banner", "-v", "error", "-progress", "pipe:1", "-nostats", "-y" };
        var isRemote = spec.SourceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || spec.SourceUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (isRemote)
        {
            // Only what the node itself opens; a source can never make ffmpeg reach for another protocol.
            args.AddRange(["-protocol_whitelist", "http,https,tcp,tls", "-reconnect", "1", "-reconnect_on_network_error", "1", "-reconnect_delay_max", "20"]);
            if (spec.Tls is { } tls) args.AddRange(["-tls_verify", "1", "-ca_file", tls.CaFile, "-verifyhost", tls.VerifyHost]);
            if (spec.AuthorizationHeader is not null) args.AddRange(["-headers", $"Authorization: {spec.AuthorizationHeader}\r\n"]);
        }
        else
        {
            args.AddRange(["-protocol_whitelist", "file"]);
        }
        args.AddRange(["-format_whitelist", Probing.MediaProbe.InputFormats, "-xerror", "-copyts", "-noaccurate_seek"]);
        if (spec.SeekSeconds is { } ss) args.AddRange(["-ss", ss.ToString("0.000000", CultureInfo.InvariantCulture)]);
        var stream = $"0:{spec.StreamIndex.ToString(CultureInfo.InvariantCulture)}";
        args.AddRange(["-i", spec.SourceUrl]);
        var trim = $"trim=start_pts={spec.StartPts.ToString(CultureInfo.InvariantCulture)}"
            + (spec.EndPts is { } end ? $":end_pts={end.ToString(CultureInfo.InvariantCulture)}" : "");
        // A filter that looks at neighbouring frames gets them: it runs before the trim, on the pre-roll and the
        // frames read past the chunk's end, and keeps every frame's timestamp (send_frame), so the trim is still exact.
        var neighbours = Options.NeighbourFilters.Any(spec.VideoFilter) && spec.TimeBaseDenominator > 0;
        // Such a filter may hand on another time base (yadif halves it): back to the stream's, exactly, for the trim.
        var after = neighbours ? $"settb={spec.TimeBaseNumerator.ToString(CultureInfo.InvariantCulture)}/{spec.TimeBaseDenominator.ToString(CultureInfo.InvariantCulture)},{trim}" : trim;
        if (spec.FrameHashPath is null)
        {
            args.AddRange(["-map", stream, "-vf", spec.VideoFilter is { Length: > 0 } f ? (neighbours ? $"{f},{after}" : $"{trim},{f}") : trim]);
        }
        else
        {
            // The trimmed frames as fed to the encoder: hashed as they are, or split into the first ones and every frame's corner.
            var trimmed = spec.WholeHashFrames is null ? "[flock_hash]" : "[flock_trimmed]";
            var graph = spec.VideoFilter is { Length: > 0 } f
                ? neighbours
                    ? $"[{stream}]split=2[flock_enc][flock_all];[flock_all]{trim}{trimmed};[flock_enc]{f},{after}[flock_out]"
                    : $"[{stream}]{trim},split=2[flock_enc]{trimmed};[flock_enc]{f}[flock_out]"
                : $"[{stream}]{trim},split=2[flock_out]{trimmed}";
            if (spec.WholeHashFrames is { } whole)
                graph += $";[flock_trimmed]split=2[flock_first][flock_rest];[flock_first]select=lt(n\\,{whole.ToString(CultureInfo.InvariantCulture)})[flock_hash];[flock_rest]{ChunkFrameHashes.Corner}[flock_count]";
            args.AddRange(["-filter_complex", graph, "-map", "[flock_out]"]);
        }
        args.AddRange(spec.VideoOptions);
        args.AddRange(["-an", "-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1", "-fps_mode", "passthrough", "-enc_time_base", "-1"]);
        // MP4 edit lists are written in the movie timescale (1/1000 by default), which would round a chunk's start.
        if (spec.TimeBaseDenominator is > 0 and <= int.MaxValue) args.AddRange(["-movie_timescale", spec.TimeBaseDenominator.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["-f", "mp4", spec.OutputPath]);
        if (spec.FrameHashPath is not null)
        {
            args.AddRange(["-map", "[flock_hash]", "-fps_mode", "passthrough", "-f", "framehash", "-hash", "murmur3", spec.FrameHashPath]);
            if (spec.WholeHashFrames is not null)
                args.AddRange(["-map", "[flock_count]", "-fps_mode", "passthrough", "-f", "framehash", "-hash", "murmur3", ChunkFrameHashes.CornerFile(spec.FrameHashPath)]);
        }
        return args;
    }
}
