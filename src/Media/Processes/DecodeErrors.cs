using System.Text.RegularExpressions;

namespace Flock.Media.Processes;

/// <summary>
/// Tells ffmpeg's stderr lines (run at `-v error`) that report a damaged or concealed decode of the input from the
/// rest. A decoder that conceals damage still exits 0 and hands the encoder frames (green blocks, smeared motion), so
/// its error lines are the only sign. Encoder banners and statistics (x265 and SVT-AV1 print them whatever the log
/// level) and transport hiccups that ffmpeg recovers from (a reconnect over HTTP) are not decode errors.
/// </summary>
public static partial class DecodeErrors
{
    /// <summary>Contexts that are not the input's decoder or demuxer: network transport (it reconnects and the data is what the decoder judges) and the outputs.</summary>
    private static readonly HashSet<string> NotDecoding = new(StringComparer.Ordinal)
    {
        "http", "https", "tcp", "tls", "AVIOContext", "mp4", "framemd5", "framehash", "null", "rawvideo",
    };

    /// <summary>
    /// What decoders say of pictures that refer to frames from before where decoding started: the leading pictures of an
    /// open GOP, which come before their keyframe and are dropped by the chunk's trim (ffmpeg prints these on every
    /// seek into a valid open-GOP H.264 stream). A wrong picture that does reach the encoder is caught by the seed,
    /// which compares the frames the node hashed with its own decode from an earlier point.
    /// </summary>
    private static readonly string[] MissingReferences =
    [
        "mmco: unref short failure", "reference picture missing during reorder", "Missing reference picture", "co located POCs unavailable",
    ];

    [GeneratedRegex(@"^\[(?<context>[^\]@ ]+) @ 0x[0-9a-fA-F]+\] (?<text>.+)$")]
    private static partial Regex ContextLine();

    private static readonly HashSet<string> Transport = new(StringComparer.Ordinal) { "http", "https", "tcp", "tls", "AVIOContext" };

    /// <summary>
    /// Whether <paramref name="line"/> is the network's (reading the source over HTTP): a run that failed with these may
    /// have seen a source cut short by the link, which says nothing about the source or where decoding started.
    /// </summary>
    public static bool IsTransportError(string line)
    {
        var m = ContextLine().Match(line.Trim());
        // The seed cuts a range answer short on purpose, and ffmpeg says so at error level before it reads on from
        // there; a link that really broke also fails to reconnect, which says so in another line.
        return m.Success && Transport.Contains(m.Groups["context"].Value)
            && !m.Groups["text"].Value.StartsWith("Stream ends prematurely", StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="line"/> says the input was not decoded cleanly; <paramref name="encoder"/> (e.g. libx264) is the output's encoder, whose lines never count.</summary>
    public static bool IsDecodeError(string line, string? encoder)
    {
        var text = line.Trim();
        if (text.Length == 0) return false;
        // Both are ffmpeg's own lines (the second prefixed with the input's name): a decode call failed, or a frame came out flagged corrupt.
        if (text.Contains("Error while decoding stream", StringComparison.Ordinal)) return true;
        if (text.Contains("corrupt decoded frame", StringComparison.Ordinal)) return true;
        var m = ContextLine().Match(text);
        if (!m.Success) return false;
        var context = m.Groups["context"].Value;
        if (MissingReferences.Any(s => m.Groups["text"].Value.StartsWith(s, StringComparison.Ordinal))) return false;
        // A container that ends before its declared end says so; a frame cut short by it shows in the decoder's own lines.
        if (m.Groups["text"].Value.StartsWith("File ended prematurely", StringComparison.Ordinal)) return false;
        if (NotDecoding.Contains(context) || context == encoder) return false;
        // Filters (Parsed_trim_0, graph 0 input from stream ...) and encoders named lib* are not the decoder; libdav1d is.
        if (context.StartsWith("Parsed_", StringComparison.Ordinal) || context.StartsWith("graph", StringComparison.Ordinal)) return false;
        if (context.StartsWith("lib", StringComparison.Ordinal) && context != "libdav1d") return false;
        return true;
    }
}
