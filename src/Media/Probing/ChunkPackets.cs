using Flock.Media.Processes;

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
}
