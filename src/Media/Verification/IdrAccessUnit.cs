using Flock.Media.Probing;

namespace Flock.Media.Verification;

/// <summary>
/// Whether a chunk's decode that starts at a key-flagged frame needs no second decode from further back to prove its
/// first frames: the frame must be an instantaneous decoder refresh (H.264 IDR, HEVC IDR_W_RADL / IDR_N_LP), read from
/// its own NAL unit headers, not from the container's keyframe flag, and the decode from there must use the same
/// parameter sets as one started a keyframe earlier. An IDR picture and everything after it in decoding order are
/// decodable without any earlier picture, by the codecs' own definition; a key-flagged frame is only a claim (a sync
/// table that lies, a recovery point, an open-GOP CRA or I-frame whose leading pictures need earlier ones). Parameter
/// sets are the one thing an IDR can still take from before it: a stream that sends a new SPS or PPS in-band between
/// the previous keyframe and the IDR, and not again with the IDR, decodes differently from the IDR than from further
/// back, possibly without one error. So such an entry is not trusted either.
/// </summary>
/// <remarks>
/// The bytes come from each packet's position as ffprobe reports it. MP4 points at the sample itself; Matroska at its
/// block, a few header bytes before the frame; so the frame is looked for at the first small offset where
/// length-prefixed NAL units cover exactly the packet's size. Anything that does not parse that way (an unknown layout,
/// a codec other than H.264 and HEVC) is not trusted here, and gets the reference decode. (MPEG-TS and other
/// containers whose packets are not read for the timeline have no packet positions and no keyframe entries: their
/// chunks decode from the start.)
/// </remarks>
public static class IdrAccessUnit
{
    /// <summary>How far past the reported position the frame may start (a Matroska block header is 4 to 12 bytes).</summary>
    public const int MaxHeaderSlack = 32;

    /// <summary>Whether the frame with this timestamp is an IDR frame by its own bytes (false when its place in the file is unknown).</summary>
    public static async Task<bool> IsIdrFrameAsync(string path, string codecName, FrameTimeline timeline, long pts, CancellationToken ct)
    {
        if (timeline.Bytes is null || !Supports(codecName)) return false;
        var i = Array.BinarySearch(timeline.Pts, pts);
        if (i < 0) return false;
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous);
        return await UnitsAtAsync(file, timeline.Bytes, i, codecName, ct).ConfigureAwait(false) is { } units && IsIdrUnitSet(units, codecName == "hevc");
    }

    /// <summary>
    /// Whether a decode from the keyframe with this timestamp gives what one from the keyframe before it (or from the
    /// file start) gives: it is an IDR frame, and no parameter set is sent between that earlier keyframe and it unless
    /// the IDR's own access unit carries its SPS and PPS.
    /// </summary>
    public static async Task<bool> IsCleanEntryAsync(string path, string codecName, FrameTimeline timeline, long entry, CancellationToken ct)
    {
        if (timeline.Bytes is not { } bytes || !Supports(codecName)) return false;
        var hevc = codecName == "hevc";
        var i = Array.BinarySearch(timeline.Pts, entry);
        if (i < 0) return false;
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous);
        if (await UnitsAtAsync(file, bytes, i, codecName, ct).ConfigureAwait(false) is not { } units || !IsIdrUnitSet(units, hevc)) return false;
        if (CarriesOwnParameterSets(units, hevc)) return true;
        // Every packet stored from the keyframe before this one up to it, in file (decoding) order.
        var k = Array.BinarySearch(timeline.KeyframePts, entry);
        var from = k > 0 && Array.BinarySearch(timeline.Pts, timeline.KeyframePts[k - 1]) is var p and >= 0 ? bytes.Start[p] : bytes.Start.Min();
        var to = bytes.Start[i];
        var between = Enumerable.Range(0, bytes.Start.Length).Where(j => bytes.Start[j] >= from && bytes.Start[j] < to).OrderBy(j => bytes.Start[j]);
        foreach (var j in between)
        {
            if (await UnitsAtAsync(file, bytes, j, codecName, ct).ConfigureAwait(false) is not { } before) return false;
            if (before.Any(t => IsParameterSet(t, hevc))) return false;
        }
        return true;
    }

    public static bool Supports(string codecName) => codecName is "h264" or "hevc";

    private static async Task<List<int>?> UnitsAtAsync(Microsoft.Win32.SafeHandles.SafeFileHandle file, PacketBytes bytes, int index, string codecName, CancellationToken ct)
    {
        var size = bytes.End[index] - bytes.Start[index];
        if (size <= 0 || size > int.MaxValue - MaxHeaderSlack) return null;
        var buffer = new byte[size + MaxHeaderSlack];
        var read = await RandomAccess.ReadAsync(file, buffer, bytes.Start[index], ct).ConfigureAwait(false);
        return NalTypes(buffer.AsSpan(0, read), (int)size, codecName);
    }

    /// <summary>Whether these bytes are an IDR access unit (see <see cref="NalTypes"/> for what they must be).</summary>
    public static bool IsIdr(ReadOnlySpan<byte> bytes, int size, string codecName) =>
        NalTypes(bytes, size, codecName) is { } units && IsIdrUnitSet(units, codecName == "hevc");

    /// <summary>
    /// The NAL unit types of one packet; null when the bytes do not parse as one. <paramref name="bytes"/> starts at the
    /// packet's reported position (with up to <see cref="MaxHeaderSlack"/> bytes of container header before the frame);
    /// <paramref name="size"/> is the frame's own size.
    /// </summary>
    public static List<int>? NalTypes(ReadOnlySpan<byte> bytes, int size, string codecName)
    {
        if (!Supports(codecName)) return null;
        var hevc = codecName == "hevc";
        for (var offset = 0; offset <= MaxHeaderSlack && offset + size <= bytes.Length; offset++)
        {
            var frame = bytes.Slice(offset, size);
            if (LengthPrefixedUnits(frame, hevc) is { } units) return units;
            if (offset == 0 && AnnexBUnits(frame, hevc) is { } annexB) return annexB;
        }
        return null;
    }

    /// <summary>
    /// Null when the bytes are not NAL units prefixed by 4-byte lengths covering the frame exactly. Only 4: it is what
    /// muxers write, and a chain of shorter lengths can cover a stretch of container bytes by chance (a frame in a 1- or
    /// 2-byte layout is merely not recognised, and gets the reference decode).
    /// </summary>
    private static List<int>? LengthPrefixedUnits(ReadOnlySpan<byte> frame, bool hevc)
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
        return units.Count == 0 ? null : units;
    }

    /// <summary>Null when the frame does not start with a start code.</summary>
    private static List<int>? AnnexBUnits(ReadOnlySpan<byte> frame, bool hevc)
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
        return units.Count == 0 ? null : units;
    }

    private static int NalType(byte header, bool hevc) => hevc ? (header >> 1) & 0x3F : header & 0x1F;

    /// <summary>An IDR access unit: at least one picture slice, and every picture slice an IDR one.</summary>
    private static bool IsIdrUnitSet(List<int> types, bool hevc)
    {
        // H.264: slice types 1 (non-IDR), 2-4 (partitions), 5 (IDR). HEVC: VCL types are 0-31; 19 and 20 are IDR.
        var slices = hevc ? types.Where(t => t <= 31).ToList() : types.Where(t => t is >= 1 and <= 5).ToList();
        return slices.Count > 0 && slices.All(t => hevc ? t is 19 or 20 : t == 5);
    }

    /// <summary>H.264 SPS 7, PPS 8 (and the SPS extension 13, subset SPS 15); HEVC VPS 32, SPS 33, PPS 34.</summary>
    private static bool IsParameterSet(int type, bool hevc) => hevc ? type is 32 or 33 or 34 : type is 7 or 8 or 13 or 15;

    private static bool CarriesOwnParameterSets(List<int> types, bool hevc) =>
        hevc ? types.Contains(33) && types.Contains(34) : types.Contains(7) && types.Contains(8);
}
