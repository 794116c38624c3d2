using Flock.Media.Processes;
using Microsoft.Extensions.Logging;

namespace Flock.Media.Probing;

/// <summary>The packets of an encoded chunk, as the seed's check and a node's bitrate measure both read them.</summary>
public static class ChunkPackets
{
    /// <summary>
    /// A chunk file holds one video stream and nothing else: its time base and packets come from one ffprobe run (a
    /// seed checks every chunk, and starting ffprobe costs more than reading a chunk's packets).
    /// </summary>
    /// <returns>sorted presentation timestamps, the stream's time base, and the bytes of its packets.</returns>
    public static async Task<(long[] Pts, TimeBase TimeBase, long Bytes)> ReadAsync(string path, CancellationToken ct)
    {
        var list = new List<long>();
        TimeBase? tb = null;
        long bytes = 0;
        await Ffmpeg.ProbeCheckedAsync(
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=time_base:packet=pts,flags,pos,size", "-of", "csv=p=1", path],
            ct,
            line =>
            {
                // A stream with side data (HDR10 metadata in the container) gets ",side_data," after its fields: the time base is the first.
                if (line.StartsWith("stream,", StringComparison.Ordinal)) tb = TimeBase.Parse(line["stream,".Length..].Split(',')[0].Trim());
                else if (line.StartsWith("packet,", StringComparison.Ordinal) && ProbedPacket.Parse(line.AsSpan("packet,".Length)) is { Pts: { } p } packet)
                {
                    list.Add(p);
                    bytes += packet.Size ?? 0;
                }
            },
            captureStdout: false).ConfigureAwait(false);
        if (tb is not { } timeBase) throw new MediaException($"not a video: {Path.GetFileName(path)} has no video stream");
        var arr = list.ToArray();
        Array.Sort(arr);
        return (arr, timeBase, bytes);
    }

    /// <summary>One chunk in this many (chunk 0 of every job among them) is read by ffprobe beside its sample tables.</summary>
    public const int CrossCheckEvery = 16;

    private static int _tablesDistrusted;

    /// <summary>
    /// A returned chunk's packets, read from its own sample tables (<see cref="Mp4VideoSamples"/>: no process) where that
    /// reader knows the file's shape, by ffprobe otherwise. With <paramref name="crossCheck"/> ffprobe reads it as well and
    /// its answer is the one used; they must agree to the timestamp and the byte, and the first time they do not, every
    /// later chunk in this process goes to ffprobe alone (logged once). A caller about to refuse a chunk on the tables'
    /// word asks ffprobe first (<see cref="FromTables"/>), so the reader can never fail a right chunk.
    /// </summary>
    public static async Task<ChunkPacketList> ReadChunkAsync(string path, bool crossCheck, ILogger? log, CancellationToken ct)
    {
        var tables = Volatile.Read(ref _tablesDistrusted) == 0 ? Mp4VideoSamples.TryRead(path) : null;
        if (tables is { } t && !crossCheck) return new ChunkPacketList(t.Pts, t.TimeBase, t.Bytes, FromTables: true);
        var (pts, timeBase, bytes) = await ReadAsync(path, ct).ConfigureAwait(false);
        if (tables is { } read && (!read.Pts.AsSpan().SequenceEqual(pts) || read.TimeBase.ToSeconds(1) != timeBase.ToSeconds(1) || read.Bytes != bytes))
            Distrust(log, $"{Path.GetFileName(path)}: {read.Pts.Length} packets from {read.Pts.FirstOrDefault()} in {read.TimeBase}, {read.Bytes} bytes; ffprobe {pts.Length} from {pts.FirstOrDefault()} in {timeBase}, {bytes} bytes");
        return new ChunkPacketList(pts, timeBase, bytes, FromTables: false);
    }

    /// <summary>ffprobe disagreed with the sample tables on a chunk: from now on it reads every chunk.</summary>
    public static void Distrust(ILogger? log, string what)
    {
        if (Interlocked.Exchange(ref _tablesDistrusted, 1) == 0)
            log?.LogWarning("a chunk's sample tables and ffprobe disagree ({What}): every chunk is read by ffprobe from now on", what);
    }
}

/// <summary>A chunk's video packets: sorted presentation timestamps, the stream's time base, the bytes of its packets, and who read them.</summary>
public sealed record ChunkPacketList(long[] Pts, TimeBase TimeBase, long Bytes, bool FromTables);
