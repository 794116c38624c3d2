using System.Globalization;
using Flock.Media.Planning;
using Flock.Media.Processes;

namespace Flock.Media.Live;

/// <summary>
/// Remuxes one verified chunk (stream copy, nothing re-encoded) into fMP4 HLS segments beside the job's playlist,
/// split at its keyframes near <c>-hls_time</c>. `-copyts` with `-avoid_negative_ts disabled` and the mp4 muxer's
/// `frag_discont` keep each fragment's decode time absolute (tfdt is the chunk's own timeline, shifted by the same edit
/// list in every chunk), so segments made one chunk at a time, by separate ffmpeg runs, line up as one stream with
/// exactly the timestamps the assembled output gets. The job's audio, when it has any, is muxed into the same segments:
/// each chunk carries the audio packets that start within its span (<see cref="LiveAudio"/>), with their own
/// timestamps, so a player keeps audio and video in sync across chunks exactly as the output does.
/// </summary>
public static class HlsSegmenter
{
    /// <summary>Segment numbers per chunk: chunk i's segments are numbered from i × this, so names never collide across runs.</summary>
    public const int SegmentsPerChunk = 10_000;

    /// <param name="plan">The job's plan (at least up to this chunk): the format start, where the assembler's concat puts the video, and the chunk's span for its audio.</param>
    /// <param name="videoTag">The sample entry to write for the video (hvc1 for HEVC, which Safari needs), or null for ffmpeg's default.</param>
    public static async Task<IReadOnlyList<LiveSegment>> SegmentAsync(string chunkFile, int chunkIndex, string liveDirectory, double hlsSeconds, ChunkPlan plan,
        LiveAudio? audio, string? videoTag, CancellationToken ct)
    {
        Directory.CreateDirectory(liveDirectory);
        var work = Path.Combine(liveDirectory, $"chunk-{chunkIndex:D6}.work");
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);
        try
        {
            var playlist = Path.Combine(work, "chunk.m3u8");
            var first = chunkIndex * SegmentsPerChunk;
            var formatStartSeconds = plan.FormatStartSeconds;
            var withAudio = audio?.Arguments(plan, chunkIndex);
            var args = new List<string>
            {
                "-nostdin", "-hide_banner", "-v", "error", "-y",
                "-protocol_whitelist", "file", "-copyts", "-i", chunkFile,
            };
            args.AddRange(withAudio?.Inputs ?? []);
            args.AddRange(["-map", "0:v:0", .. withAudio?.Outputs ?? [], "-c", "copy", "-avoid_negative_ts", "disabled"]);
            if (videoTag is not null) args.AddRange(["-tag:v", videoTag]);
            if (formatStartSeconds != 0)
                args.AddRange(["-output_ts_offset", (-formatStartSeconds).ToString("0.000000", CultureInfo.InvariantCulture)]);
            args.AddRange([
                "-f", "hls", "-hls_segment_type", "fmp4", "-hls_segment_options", "movflags=+frag_discont",
                "-hls_time", hlsSeconds.ToString("0.###", CultureInfo.InvariantCulture), "-hls_playlist_type", "event",
                "-hls_fmp4_init_filename", LivePlaylist.InitFileName, "-start_number", first.ToString(CultureInfo.InvariantCulture),
                "-hls_segment_filename", Path.Combine(work, "s%08d.m4s"), playlist,
            ]);
            await Ffmpeg.RunCheckedAsync(args, ct).ConfigureAwait(false);
            var segments = ReadSegments(await File.ReadAllTextAsync(playlist, ct).ConfigureAwait(false));
            if (segments.Count == 0) throw new MediaException($"ffmpeg made no HLS segment of chunk {chunkIndex}");
            // Segments first, the init last: a player told of neither yet can never see an init without its segments.
            foreach (var s in segments) File.Move(Path.Combine(work, s.FileName), Path.Combine(liveDirectory, s.FileName), overwrite: true);
            var init = Path.Combine(liveDirectory, LivePlaylist.InitFileName);
            if (!File.Exists(init)) File.Move(Path.Combine(work, LivePlaylist.InitFileName), init);
            return segments;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The segments of a media playlist ffmpeg wrote: each #EXTINF duration with the file name after it.</summary>
    public static IReadOnlyList<LiveSegment> ReadSegments(string playlist)
    {
        var segments = new List<LiveSegment>();
        double? seconds = null;
        foreach (var raw in playlist.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
                seconds = double.Parse(line["#EXTINF:".Length..].TrimEnd(',').Split(',')[0], CultureInfo.InvariantCulture);
            else if (line.Length > 0 && !line.StartsWith('#') && seconds is { } s)
            {
                segments.Add(new LiveSegment(Path.GetFileName(line), s));
                seconds = null;
            }
        }
        return segments;
    }
}
