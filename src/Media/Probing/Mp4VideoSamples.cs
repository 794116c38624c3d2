using System.Buffers.Binary;

namespace Flock.Media.Probing;

/// <summary>
/// The video samples of a chunk file as a node's ffmpeg writes it (MP4, one video track, its index in one `moov`), read
/// from the file's sample tables in this process. The seed checks every returned chunk, and an ffprobe costs 60-115 ms of
/// CPU before it reads a byte (ffmpeg 5.1 binds 215 libraries at start), which was 60 % of the seed's CPU per chunk in
/// bench/scale; this reads the same answer in well under a millisecond.
///
/// Timestamps are the ones ffmpeg's MP4 demuxer presents (what ffprobe lists): composition time (decode time from
/// `stts` plus the `ctts` offset) minus the media edit's start, plus the empty edit before it (a chunk with `-copyts`
/// starts late on the timeline). Only the shapes ffmpeg's own muxer writes are read: no edit list, or an optional empty
/// edit followed by one media edit at rate 1 that covers every sample. Anything else (a fragmented file, more tracks,
/// negative offsets, a sample the edit list would drop) returns null, and the caller asks ffprobe, which stays the
/// authority: see <see cref="ChunkPackets.ReadChunkAsync"/>.
/// </summary>
public static class Mp4VideoSamples
{
    /// <summary>A chunk's index is a few kilobytes per thousand frames; a larger one is not a chunk of ours.</summary>
    private const long MaxIndexBytes = 64L << 20;

    /// <summary>Ten million frames: over 46 hours at 60 fps, in one chunk. A count beyond it is a damaged table.</summary>
    private const int MaxSamples = 10_000_000;

    /// <returns>sorted presentation timestamps, the track's time base and the bytes of its samples; null: not a file this reads.</returns>
    public static (long[] Pts, TimeBase TimeBase, long Bytes)? TryRead(string path)
    {
        byte[]? moov = null;
        long fileLength;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess))
        {
            var header = new byte[16];
            long at = 0, length = fileLength = file.Length;
            while (at < length)
            {
                file.Position = at;
                var wanted = (int)Math.Min(header.Length, length - at);
                var got = file.ReadAtLeast(header.AsSpan(0, wanted), wanted, throwOnEndOfStream: false);
                if (Header(header.AsSpan(0, got), length - at) is not var (size, headerBytes)) return null;
                var type = header.AsSpan(4, 4);
                if (type.SequenceEqual("moof"u8)) return null;
                if (type.SequenceEqual("moov"u8))
                {
                    if (moov is not null || size - headerBytes > MaxIndexBytes) return null;
                    moov = new byte[size - headerBytes];
                    file.Position = at + headerBytes;
                    file.ReadExactly(moov);
                }
                at += size;
            }
        }
        if (moov is null) return null;
        try
        {
            return ReadMovie(moov, fileLength);
        }
        catch (Exception e) when (e is NotOurShape or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static (long[] Pts, TimeBase TimeBase, long Bytes)? ReadMovie(ReadOnlyMemory<byte> moov, long fileLength)
    {
        var boxes = Boxes(moov);
        var movieScale = boxes.Where(b => b.Type == "mvhd").Select(b => HeaderTimescale(b.Body.Span)).LastOrDefault();
        var traks = boxes.Where(b => b.Type == "trak").ToList();
        // A chunk holds its video and nothing else.
        return movieScale <= 0 || traks.Count != 1 ? null : ReadTrack(traks[0].Body, movieScale, fileLength);
    }

    private static (long[] Pts, TimeBase TimeBase, long Bytes)? ReadTrack(ReadOnlyMemory<byte> trak, long movieScale, long fileLength)
    {
        ReadOnlyMemory<byte> elst = default, mdia = default;
        var hasEdits = false;
        foreach (var (type, body) in Boxes(trak))
        {
            if (type == "edts")
            {
                foreach (var (inner, list) in Boxes(body))
                    if (inner == "elst") { elst = list; hasEdits = true; }
            }
            else if (type == "mdia") mdia = body;
        }
        if (mdia.IsEmpty) return null;
        long trackScale = 0;
        var isVideo = false;
        ReadOnlyMemory<byte> stbl = default;
        foreach (var (type, body) in Boxes(mdia))
        {
            if (type == "mdhd") trackScale = HeaderTimescale(body.Span);
            else if (type == "hdlr") isVideo = body.Length >= 12 && body.Span.Slice(8, 4).SequenceEqual("vide"u8);
            else if (type == "minf")
                foreach (var (inner, minf) in Boxes(body))
                    if (inner == "stbl") stbl = minf;
        }
        if (!isVideo || trackScale <= 0 || stbl.IsEmpty) return null;

        ReadOnlySpan<byte> stts = default, ctts = default, stsz = default;
        foreach (var (type, body) in Boxes(stbl))
        {
            switch (type)
            {
                case "stts": stts = body.Span; break;
                case "ctts": ctts = body.Span; break;
                case "stsz": stsz = body.Span; break;
                case "stz2": return null;
            }
        }
        if (stts.Length < 8 || stsz.Length < 12) return null;
        var count = BinaryPrimitives.ReadUInt32BigEndian(stsz[8..]);
        if (count is 0 or > MaxSamples) return null;
        var n = (int)count;
        var uniform = BinaryPrimitives.ReadUInt32BigEndian(stsz[4..]);
        long bytes;
        if (uniform != 0) bytes = (long)uniform * n;
        else
        {
            if (stsz.Length < 12 + 4L * n) return null;
            bytes = 0;
            for (var i = 0; i < n; i++) bytes += BinaryPrimitives.ReadUInt32BigEndian(stsz[(12 + 4 * i)..]);
        }
        // Samples are bytes of this file: a table that says otherwise is damaged (and is not allocated for).
        if (bytes > fileLength) return null;

        // Composition times: decode times (stts runs) plus their offsets (ctts runs).
        var cts = new long[n];
        if (!Runs(stts, n, (i, duration, time) => cts[i] = time, accumulate: true)) return null;
        if (!ctts.IsEmpty && !Runs(ctts, n, (i, offset, _) => cts[i] += offset, accumulate: false)) return null;

        long emptyTrack = 0, mediaStart = 0, mediaEnd = long.MaxValue;
        if (hasEdits)
        {
            if (ReadEdits(elst.Span) is not { } edits) return null;
            emptyTrack = Rescale(edits.Empty, trackScale, movieScale);
            mediaStart = edits.MediaTime;
            mediaEnd = edits.MediaTime + Rescale(edits.Duration, trackScale, movieScale);
        }
        var pts = new long[n];
        for (var i = 0; i < n; i++)
        {
            // A sample outside the media edit is one ffmpeg would drop or trim: not a shape this reads.
            if (cts[i] < mediaStart || cts[i] >= mediaEnd) return null;
            pts[i] = cts[i] - mediaStart + emptyTrack;
        }
        Array.Sort(pts);
        return (pts, new TimeBase(1, trackScale), bytes);
    }

    /// <summary>An optional empty edit (the track starts late) then one media edit at rate 1; null for anything else.</summary>
    private static (long Empty, long MediaTime, long Duration)? ReadEdits(ReadOnlySpan<byte> elst)
    {
        if (elst.Length < 8) return null;
        var version = elst[0];
        var count = BinaryPrimitives.ReadUInt32BigEndian(elst[4..]);
        var entry = version == 1 ? 20 : 12;
        if (version > 1 || count is 0 or > 2 || elst.Length < 8 + entry * count) return null;
        long empty = 0;
        for (var i = 0; i < count; i++)
        {
            var e = elst.Slice(8 + entry * i, entry);
            var (duration, mediaTime) = version == 1
                ? (BinaryPrimitives.ReadInt64BigEndian(e), BinaryPrimitives.ReadInt64BigEndian(e[8..]))
                : ((long)BinaryPrimitives.ReadUInt32BigEndian(e), (long)BinaryPrimitives.ReadInt32BigEndian(e[4..]));
            var rate = BinaryPrimitives.ReadInt32BigEndian(e[(version == 1 ? 16 : 8)..]);
            if (i == 0 && count == 2)
            {
                if (mediaTime != -1 || duration < 0) return null;
                empty = duration;
                continue;
            }
            if (mediaTime < 0 || duration <= 0 || rate != 0x10000) return null;
            return (empty, mediaTime, duration);
        }
        return null;
    }

    /// <summary>
    /// Walks a table of (sample count, value) runs over exactly <paramref name="samples"/> samples. With
    /// <paramref name="accumulate"/>, each sample is given the running sum of the values before it (decode times);
    /// otherwise its own run's value (offsets, which must not be negative: ffmpeg shifts such files' decode times).
    /// </summary>
    private static bool Runs(ReadOnlySpan<byte> table, int samples, Action<int, long, long> each, bool accumulate)
    {
        var runs = BinaryPrimitives.ReadUInt32BigEndian(table[4..]);
        if (table.Length < 8 + 8L * runs) return false;
        long time = 0;
        var i = 0;
        for (var r = 0; r < runs; r++)
        {
            var run = BinaryPrimitives.ReadUInt32BigEndian(table[(8 + 8 * r)..]);
            long value = accumulate ? BinaryPrimitives.ReadUInt32BigEndian(table[(12 + 8 * r)..]) : BinaryPrimitives.ReadInt32BigEndian(table[(12 + 8 * r)..]);
            if (value < 0 || run > samples - i) return false;
            for (var k = 0; k < run; k++, i++)
            {
                each(i, value, time);
                if (accumulate) time += value;
            }
        }
        return i == samples;
    }

    /// <summary>The timescale of an `mvhd` or `mdhd` (version 0: 32-bit times; version 1: 64-bit).</summary>
    private static long HeaderTimescale(ReadOnlySpan<byte> body) =>
        body.Length < 24 ? 0 : BinaryPrimitives.ReadUInt32BigEndian(body[(body[0] == 1 ? 20 : 12)..]);

    /// <summary>value × to / from, rounded to nearest with halves away from zero, as ffmpeg's av_rescale.</summary>
    private static long Rescale(long value, long to, long from) => (long)(((Int128)value * to * 2 + from) / (2 * (Int128)from));

    /// <summary>The boxes directly inside <paramref name="data"/>, as slices of it; a box that runs past its parent makes the file unreadable here.</summary>
    private static List<(string Type, ReadOnlyMemory<byte> Body)> Boxes(ReadOnlyMemory<byte> data)
    {
        var list = new List<(string, ReadOnlyMemory<byte>)>();
        var at = 0;
        while (at < data.Length)
        {
            var box = data.Span[at..];
            if (Header(box, box.Length) is not var (size, headerBytes)) throw new NotOurShape();
            list.Add((System.Text.Encoding.ASCII.GetString(box.Slice(4, 4)), data.Slice(at + headerBytes, (int)size - headerBytes)));
            at += (int)size;
        }
        return list;
    }

    /// <summary>
    /// A box's size and header length from its first bytes (8, or 16 with a 64-bit size; a size of 0 runs to the end of
    /// its parent); null when they are too few or the box does not fit in the <paramref name="room"/> its parent leaves.
    /// </summary>
    private static (long Size, int HeaderBytes)? Header(ReadOnlySpan<byte> bytes, long room)
    {
        if (bytes.Length < 8) return null;
        long size = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        var headerBytes = 8;
        if (size == 1)
        {
            if (bytes.Length < 16) return null;
            size = BinaryPrimitives.ReadInt64BigEndian(bytes[8..]);
            headerBytes = 16;
        }
        else if (size == 0)
        {
            size = room;
        }
        return size < headerBytes || size > room ? null : (size, headerBytes);
    }

    /// <summary>A box table that does not add up: the file is left to ffprobe.</summary>
    private sealed class NotOurShape : Exception;
}
