using System.Globalization;

namespace Flock.Media.Probing;

/// <summary>One packet as ffprobe lists it with `-show_entries packet=pts,flags -of csv`.</summary>
/// <param name="Pts">Null when the packet has no timestamp (ffprobe prints N/A).</param>
public readonly record struct ProbedPacket(long? Pts, bool Keyframe)
{
    /// <summary>
    /// The `pts,flags` fields of one line; null for a line that is not a packet, or for a packet an edit list
    /// discards (flag D), which is never decoded into a frame.
    /// </summary>
    public static ProbedPacket? Parse(ReadOnlySpan<char> fields)
    {
        var comma = fields.IndexOf(',');
        if (comma <= 0) return null;
        var flags = fields[(comma + 1)..];
        if (flags.Contains('D')) return null;
        return new ProbedPacket(
            long.TryParse(fields[..comma], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pts) ? pts : null,
            flags.Contains('K'));
    }
}
