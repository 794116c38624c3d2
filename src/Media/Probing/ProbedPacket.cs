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
        // A packet with side data (every MPEG-TS packet carries its stream id) gets its side data section after its
        // fields: ",side_data," with csv=p=1, a bare trailing "," with p=0. So the flags are not the last field but the
        // first one after the timestamp made of flag letters: second in `pts,flags`, fourth in `pts,size,pos,flags`.
        Span<Range> parts = stackalloc Range[6];
        var count = fields.Split(parts, ',');
        if (count < 2 || fields[parts[0]].IsEmpty) return null;
        var at = -1;
        for (var i = 1; i < Math.Min(count, 4) && at < 0; i++)
            if (IsFlags(fields[parts[i]])) at = i;
        if (at is not (1 or 3)) return null;
        var flags = fields[parts[at]];
        if (flags.Contains('D')) return null;
        long? size = at == 3 ? Number(fields[parts[1]]) : null;
        long? pos = at == 3 ? Number(fields[parts[2]]) : null;
        return new ProbedPacket(Number(fields[parts[0]]), flags.Contains('K'), size, pos);
    }

    /// <summary>ffprobe's packet flags: K or _ (keyframe), D or _ (discard), and in some versions C or _ (corrupt).</summary>
    private static bool IsFlags(ReadOnlySpan<char> field) =>
        field.Length is 2 or 3 && field[0] is 'K' or '_' && field[1] is 'D' or '_' && (field.Length == 2 || field[2] is 'C' or '_');

    private static long? Number(ReadOnlySpan<char> text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
