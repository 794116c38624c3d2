using System.Globalization;

namespace Flock.Media.Probing;

/// <summary>
/// One packet as ffprobe lists it with `-show_entries packet=pts,flags -of csv` (or `packet=pts,flags,pos,size`,
/// which ffprobe prints as `pts,size,pos,flags`).
/// </summary>
/// <param name="Pts">Null when the packet has no timestamp (ffprobe prints N/A).</param>
/// <param name="Size">Bytes of the packet in the file, when asked for and known.</param>
/// <param name="Pos">Byte offset of the packet in the file, when asked for and known.</param>
public readonly record struct ProbedPacket(long? Pts, bool Keyframe, long? Size = null, long? Pos = null)
{
    /// <summary>
    /// The fields of one line; null for a line that is not a packet, or for a packet an edit list discards (flag D),
    /// which is never decoded into a frame.
    /// </summary>
    public static ProbedPacket? Parse(ReadOnlySpan<char> fields)
    {
        var comma = fields.IndexOf(',');
        if (comma <= 0) return null;
        var last = fields.LastIndexOf(',');
        var flags = fields[(last + 1)..];
        if (flags.Contains('D')) return null;
        long? size = null, pos = null;
        if (last != comma)
        {
            // pts,size,pos,flags
            var middle = fields[(comma + 1)..last];
            var split = middle.IndexOf(',');
            if (split < 0) return null;
            size = Number(middle[..split]);
            pos = Number(middle[(split + 1)..]);
        }
        return new ProbedPacket(Number(fields[..comma]), flags.Contains('K'), size, pos);
    }

    private static long? Number(ReadOnlySpan<char> text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
