using Flock.Media.Probing;

namespace Flock.Media.Verification;

/// <summary>
/// Whether a packet is an instantaneous decoder refresh (H.264 IDR, HEVC IDR_W_RADL / IDR_N_LP), read from its own NAL
/// unit headers, not from the container's keyframe flag. An IDR picture and everything after it in decoding order are
/// decodable without any earlier picture, by the codecs' own definition; a key-flagged frame is only a claim (a sync
/// table that lies, a recovery point, an open-GOP CRA or I-frame whose leading pictures need earlier ones). So a chunk
/// whose decode starts at a true IDR needs no second decode from further back to prove its first frames.
/// </summary>
/// <remarks>
/// The bytes come from the packet's position as ffprobe reports it. MP4 points at the sample itself; Matroska at its
/// block, a few header bytes before the frame; so the frame is looked for at the first small offset where length-prefixed
/// NAL units cover exactly the packet's size. Anything that does not parse that way (an unknown layout, a codec other
/// than H.264 and HEVC) is not an IDR here, and gets the reference decode. (MPEG-TS and other containers whose packets
/// are not read for the timeline have no packet positions and no keyframe entries: their chunks decode from the start.)
/// </remarks>
public static class IdrAccessUnit
{
    /// <summary>How far past the reported position the frame may start (a Matroska block header is 4 to 12 bytes).</summary>
    public const int MaxHeaderSlack = 32;

    /// <summary>Whether the frame with this timestamp is an IDR frame by its own bytes (false when its place in the file is unknown).</summary>
    public static Task<bool> IsIdrFrameAsync(string path, string codecName, FrameTimeline timeline, long pts, CancellationToken ct)
    {
        if (timeline.Bytes is not { } bytes || !Supports(codecName)) return Task.FromResult(false);
        var i = Array.BinarySearch(timeline.Pts, pts);
        if (i < 0 || i >= bytes.Start.Length) return Task.FromResult(false);
        var size = bytes.End[i] - bytes.Start[i];
        if (size <= 0 || size > int.MaxValue - MaxHeaderSlack) return Task.FromResult(false);
        return IsIdrAsync(path, codecName, bytes.Start[i], (int)size, ct);
    }

    /// <summary>Reads the packet at <paramref name="position"/> (<paramref name="size"/> bytes of frame) and says whether it is an IDR.</summary>
    public static async Task<bool> IsIdrAsync(string path, string codecName, long position, int size, CancellationToken ct)
    {
        if (!Supports(codecName) || size <= 0 || position < 0) return false;
        var buffer = new byte[size + MaxHeaderSlack];
        int read;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous))
        {
            read = await RandomAccess.ReadAsync(file.SafeFileHandle, buffer, position, ct).ConfigureAwait(false);
        }
        return IsIdr(buffer.AsSpan(0, read), size, codecName);
    }

    public static bool Supports(string codecName) => codecName is "h264" or "hevc";

    /// <summary>
    /// <paramref name="bytes"/> starts at the packet's reported position (with up to <see cref="MaxHeaderSlack"/>
    /// bytes of container header before the frame); <paramref name="size"/> is the frame's own size.
    /// </summary>
    public static bool IsIdr(ReadOnlySpan<byte> bytes, int size, string codecName)
    {
        if (!Supports(codecName)) return false;
        var hevc = codecName == "hevc";
        for (var offset = 0; offset <= MaxHeaderSlack && offset + size <= bytes.Length; offset++)
        {
            var frame = bytes.Slice(offset, size);
            if (LengthPrefixedVerdict(frame, hevc) is { } idr) return idr;
            if (offset == 0 && AnnexBVerdict(frame, hevc) is { } annexB) return annexB;
        }
        return false;
    }

    /// <summary>
    /// Null when the bytes are not NAL units prefixed by 4-byte lengths covering the frame exactly. Only 4: it is what
    /// muxers write, and a chain of shorter lengths can cover a stretch of container bytes by chance (a frame in a 1- or
    /// 2-byte layout is merely not recognised, and gets the reference decode).
    /// </summary>
    private static bool? LengthPrefixedVerdict(ReadOnlySpan<byte> frame, bool hevc)
    {
        const int lengthSize = 4;
        var units = new List<int>();
        var at = 0;
        while (at < frame.Length)
        {
            if (at + lengthSize > frame.Length) return null;
            long length = 0;
            for (var i = 0; i < lengthSize; i++) length = (length << 8) | frame[at + i];
            at += lengthSize;
            if (length <= 0 || at + length > frame.Length) return null;
            if ((frame[at] & 0x80) != 0) return null; // forbidden_zero_bit
            units.Add(NalType(frame[at], hevc));
            at += (int)length;
        }
        return units.Count == 0 ? null : IsIdrUnitSet(units, hevc);
    }

    /// <summary>Null when the frame does not start with a start code.</summary>
    private static bool? AnnexBVerdict(ReadOnlySpan<byte> frame, bool hevc)
    {
        if (!(frame.StartsWith((ReadOnlySpan<byte>)[0, 0, 1]) || frame.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 1]))) return null;
        var units = new List<int>();
        for (var i = 0; i + 3 < frame.Length; i++)
        {
            if (frame[i] != 0 || frame[i + 1] != 0 || frame[i + 2] != 1) continue;
            var header = frame[i + 3];
            if ((header & 0x80) != 0) return null;
            units.Add(NalType(header, hevc));
            i += 2;
        }
        return units.Count == 0 ? null : IsIdrUnitSet(units, hevc);
    }

    private static int NalType(byte header, bool hevc) => hevc ? (header >> 1) & 0x3F : header & 0x1F;

    /// <summary>An IDR access unit: at least one picture slice, and every picture slice an IDR one.</summary>
    private static bool IsIdrUnitSet(List<int> types, bool hevc)
    {
        // H.264: slice types 1 (non-IDR), 2-4 (partitions), 5 (IDR). HEVC: VCL types are 0-31; 19 and 20 are IDR.
        var slices = hevc ? types.Where(t => t <= 31).ToList() : types.Where(t => t is >= 1 and <= 5).ToList();
        return slices.Count > 0 && slices.All(t => hevc ? t is 19 or 20 : t == 5);
    }
}
