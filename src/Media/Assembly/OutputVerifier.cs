using System.Globalization;
using Flock.Media.Planning;
using Flock.Media.Probing;
using Flock.Media.Processes;
using Microsoft.Extensions.Logging;

namespace Flock.Media.Assembly;

/// <summary>
/// Checks a file's video frames against the plan before anything is called done: a broken file is never delivered.
/// Timestamps are compared relative to the plan's start, within half a tick of the file's own time base (Matroska
/// stores milliseconds), plus one microsecond for ffprobe's printing.
/// </summary>
public static class OutputVerifier
{
    /// <summary>Checks one returned chunk: its frame count and first/last timestamps must be the plan's.</summary>
    /// <returns>the bytes of its video packets (what the chunk adds to the output, without its own container).</returns>
    public static async Task<long> VerifyChunkAsync(string path, ChunkPlan plan, PlannedChunk chunk, CancellationToken ct, ILogger? log = null)
    {
        var packets = await ChunkPackets.ReadChunkAsync(path, crossCheck: chunk.Index % ChunkPackets.CrossCheckEvery == 0, log, ct).ConfigureAwait(false);
        var refusal = ChunkRefusal(packets, plan, chunk);
        if (refusal is not null && packets.FromTables)
        {
            // ffprobe has the last word on refusing a chunk: the sample tables' reader must never fail a right one.
            var (pts, tb, bytes) = await ChunkPackets.ReadAsync(path, ct).ConfigureAwait(false);
            packets = new ChunkPacketList(pts, tb, bytes, FromTables: false);
            var probed = ChunkRefusal(packets, plan, chunk);
            if (probed is null) ChunkPackets.Distrust(log, $"{Path.GetFileName(path)}: the tables said \"{refusal}\", ffprobe found it right");
            refusal = probed;
        }
        if (refusal is not null) throw new MediaException(refusal);
        return packets.Bytes;
    }

    private static string? ChunkRefusal(ChunkPacketList packets, ChunkPlan plan, PlannedChunk chunk)
    {
        var pts = packets.Pts;
        if (pts.Length != chunk.FrameCount) return $"chunk {chunk.Index}: {pts.Length} frames returned, {chunk.FrameCount} planned";
        var tol = Tolerance(plan.TimeBase, packets.TimeBase);
        return Unexpected(chunk.Index, "first", plan.TimeBase.ToSeconds(chunk.FirstPts), packets.TimeBase.ToSeconds(pts[0]), tol)
            ?? Unexpected(chunk.Index, "last", plan.TimeBase.ToSeconds(chunk.LastPts), packets.TimeBase.ToSeconds(pts[^1]), tol);
    }

    /// <summary>Checks the assembled output: every frame of the timeline, in order, at its timestamp, and every other stream present.</summary>
    /// <param name="subtitlesAsAsked">the user gave subtitle options: every subtitle stream was mapped (<see cref="SubtitleStreams"/>).</param>
    public static async Task VerifyOutputAsync(string path, FrameTimeline timeline, ChunkPlan plan, MediaInfo source, CancellationToken ct, bool subtitlesAsAsked = false)
    {
        // The first video stream's packets are read beside the probe rather than after it (the tail of a job is its
        // fixed cost): in every output the join writes, that stream is the main video, mapped first. Where the probe
        // says otherwise, the main video's are read after all.
        var probing = MediaProbe.ProbeAsync(path, ct);
        var firstVideo = ChunkPackets.ReadAsync(path, ct);
        try
        {
            await Task.WhenAll(probing, firstVideo).ConfigureAwait(false);
        }
        catch (MediaException) when (probing.IsCompletedSuccessfully)
        {
            // Read again below, by the main video's index.
        }
        var info = await probing.ConfigureAwait(false);
        if (info.CountOf("audio") != source.CountOf("audio"))
            throw new MediaException($"output has {info.CountOf("audio")} audio streams, the source {source.CountOf("audio")}");
        var subtitles = SubtitleStreams.KeptCount(source, path, subtitlesAsAsked);
        if (info.CountOf("subtitle") != subtitles)
            throw new MediaException($"output has {info.CountOf("subtitle")} subtitle streams, {subtitles} expected from the source's {source.CountOf("subtitle")}");
        var covers = CoverPictures.Of(info).Count;
        var kept = CoverPictures.KeptIn(source, path).Count;
        if (covers != kept)
            throw new MediaException($"output has {Plural(covers)}, {kept} expected from the source");
        var (pts, tb) = firstVideo.IsCompletedSuccessfully && info.Streams.FirstOrDefault(s => s.CodecType == "video") == info.MainVideo
            ? (firstVideo.Result.Pts, firstVideo.Result.TimeBase)
            : await ReadVideoPtsAsync(path, info, ct).ConfigureAwait(false);
        if (pts.Length != timeline.FrameCount)
            throw new MediaException($"output has {pts.Length} video frames, the plan {timeline.FrameCount}");
        var tol = Tolerance(plan.TimeBase, tb);
        var expectedStart = plan.TimeBase.ToSeconds(timeline.Pts[0]) - plan.FormatStartSeconds;
        var actualStart = tb.ToSeconds(pts[0]) - info.StartSeconds;
        for (var i = 0; i < pts.Length; i++)
        {
            var expected = plan.TimeBase.ToSeconds(timeline.Pts[i]) - plan.TimeBase.ToSeconds(timeline.Pts[0]);
            var actual = tb.ToSeconds(pts[i]) - tb.ToSeconds(pts[0]);
            if (Math.Abs(expected - actual) > tol)
                throw new MediaException(string.Create(CultureInfo.InvariantCulture,
                    $"output frame {i} is at {actual:0.######}s from the start, the plan says {expected:0.######}s"));
        }
        // A/V sync: the video must start where it started relative to the rest of the file.
        // Muxers may shift a whole file (Opus pre-skip, negative B-frame timestamps); either representation keeps sync.
        var absoluteStart = tb.ToSeconds(pts[0]);
        var slack = tol + 0.0015;
        if (info.FormatName.Contains("matroska", StringComparison.Ordinal) || info.FormatName.Contains("webm", StringComparison.Ordinal))
        {
            // Matroska cannot store negative timestamps: ffmpeg moves B-frame video later by part of its reorder delay,
            // exactly as in a single-machine encode. Two frame durations bound that; a lost offset is far larger.
            slack += 2 * MedianFrameSeconds(timeline);
        }
        var shiftedByNegativeStart = info.StartSeconds < 0 && Math.Abs(expectedStart - info.StartSeconds - absoluteStart) <= slack;
        if (Math.Abs(expectedStart - actualStart) > slack && Math.Abs(expectedStart - absoluteStart) > slack && !shiftedByNegativeStart)
            throw new MediaException(string.Create(CultureInfo.InvariantCulture,
                $"output video starts at {actualStart:0.######}s into the file, the source's at {expectedStart:0.######}s"));
    }

    private static string Plural(int covers) => covers == 1 ? "1 cover picture" : $"{covers} cover pictures";

    private static double MedianFrameSeconds(FrameTimeline timeline)
    {
        if (timeline.Pts.Length < 2) return 0;
        var gaps = new long[timeline.Pts.Length - 1];
        for (var i = 1; i < timeline.Pts.Length; i++) gaps[i - 1] = timeline.Pts[i] - timeline.Pts[i - 1];
        Array.Sort(gaps);
        return timeline.TimeBase.ToSeconds(gaps[gaps.Length / 2]);
    }

    private static double Tolerance(TimeBase planTb, TimeBase fileTb) =>
        Math.Max(planTb.ToSeconds(1), fileTb.ToSeconds(1)) / 2 + 1e-6;

    private static string? Unexpected(int index, string which, double expected, double actual, double tol) =>
        Math.Abs(expected - actual) <= tol ? null : string.Create(CultureInfo.InvariantCulture, $"chunk {index}: {which} frame at {actual:0.######}s, planned {expected:0.######}s");

    /// <summary>Sorted presentation timestamps of the first video stream's packets (every output container here stores one frame per packet).</summary>
    public static async Task<(long[] Pts, TimeBase TimeBase)> ReadVideoPtsAsync(string path, CancellationToken ct) =>
        await ReadVideoPtsAsync(path, await MediaProbe.ProbeAsync(path, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>As above, for a file already probed.</summary>
    public static async Task<(long[] Pts, TimeBase TimeBase)> ReadVideoPtsAsync(string path, MediaInfo info, CancellationToken ct)
    {
        var video = info.MainVideo!;
        var list = new List<long>();
        await Ffmpeg.ProbeCheckedAsync(
            ["-v", "error", "-select_streams", video.Index.ToString(CultureInfo.InvariantCulture), "-show_entries", "packet=pts,flags", "-of", "csv=p=0", path],
            ct,
            line =>
            {
                if (ProbedPacket.Parse(line) is { Pts: { } p }) list.Add(p);
            },
            captureStdout: false).ConfigureAwait(false);
        var arr = list.ToArray();
        Array.Sort(arr);
        return (arr, video.TimeBase);
    }
}
