using System.Globalization;
using System.Text;
using Flock.Media.Processes;
using Flock.Media.Probing;

namespace Flock.Media.Assembly;

/// <summary>
/// Joins encoded chunks by stream copy and muxes them with every other stream of the source. The concat demuxer is
/// given each chunk's exact duration (next chunk's first timestamp minus its own) so VFR timestamps never drift at a
/// boundary, and `-itsoffset` puts the video back where it was relative to the audio, as a single encode would.
/// </summary>
public static class ChunkAssembler
{
    public static async Task AssembleAsync(AssemblyRequest r, CancellationToken ct)
    {
        if (r.ChunkFiles.Count != r.Plan.Chunks.Count)
            throw new MediaException($"cannot assemble: {r.ChunkFiles.Count} chunk files for {r.Plan.Chunks.Count} planned chunks");
        var container = OutputContainers.FromPath(r.OutputPath);
        Directory.CreateDirectory(r.WorkDirectory);
        var listPath = Path.Combine(r.WorkDirectory, "concat.ffconcat");
        await File.WriteAllTextAsync(listPath, ConcatList(r), ct).ConfigureAwait(false);

        var video = r.Source.MainVideo!;
        var tb = r.Plan.TimeBase;
        var firstPts = r.Plan.Chunks[0].FirstPts;
        var offset = tb.ToSeconds(firstPts) - r.Plan.FormatStartSeconds;
        var args = new List<string>
        {
            "-nostdin", "-hide_banner", "-v", "error", "-y",
            "-itsoffset", offset.ToString("0.000000", CultureInfo.InvariantCulture),
            "-f", "concat", "-safe", "0", "-protocol_whitelist", "file", "-i", listPath,
        };
        // With a copy of the other streams, their packets come from it (input 1) and all metadata and chapters still
        // from the source (input 2), whose packets ffmpeg then never reads: no stream of it is mapped.
        var copied = r.OtherStreamsPath is not null;
        if (copied) args.AddRange(["-i", r.OtherStreamsPath!]);
        args.AddRange(["-i", r.SourcePath]);
        var sourceInput = copied ? 2 : 1;
        var source = sourceInput.ToString(CultureInfo.InvariantCulture);
        // MP4 takes cover pictures as streams of their own (from their files, inputs after the source); Matroska as attachments.
        var covers = r.Covers ?? [];
        if (container == OutputContainer.Mp4)
            foreach (var cover in covers) args.AddRange(["-i", cover.Path]);
        args.AddRange(["-map", "0:v:0"]);
        // Every other stream of the source, in source order. Naming one stream's metadata turns off ffmpeg's automatic
        // per-stream copy, so each output stream gets its source stream's tags (language, title) explicitly.
        var metadata = new List<string> { "-map_metadata:s:0", $"{source}:s:{video.Index}" };
        var outputIndex = 1;
        var mapped = Mapped(r.Source, r.OutputPath, r.SubtitleOptions);
        foreach (var (s, copyIndex) in mapped)
        {
            args.AddRange(["-map", copied ? $"1:{copyIndex}" : $"1:{s.Index}"]);
            metadata.AddRange([$"-map_metadata:s:{outputIndex++}", $"{source}:s:{s.Index}"]);
        }
        var attachments = mapped.Count(m => m.Stream.CodecType == "attachment");
        for (var k = 0; k < covers.Count; k++)
        {
            var cover = covers[k];
            if (container == OutputContainer.Mp4)
            {
                var input = sourceInput + 1 + k;
                args.AddRange(["-map", $"{input.ToString(CultureInfo.InvariantCulture)}:0", $"-disposition:v:{(1 + k).ToString(CultureInfo.InvariantCulture)}", "attached_pic"]);
                metadata.AddRange([$"-map_metadata:s:{outputIndex++}", $"{source}:s:{cover.Stream.Index}"]);
            }
            else if (container == OutputContainer.Matroska)
            {
                var t = (attachments + k).ToString(CultureInfo.InvariantCulture);
                args.AddRange(["-attach", cover.Path, $"-metadata:s:t:{t}", $"mimetype={CoverPictures.MimeTypeOf(cover.Stream)}",
                    $"-metadata:s:t:{t}", $"filename={CoverPictures.FileNameOf(cover.Stream, first: k == 0)}"]);
            }
        }
        args.AddRange(CodecOptions(r.Source, r.OutputPath, r.AudioOptions, r.SubtitleOptions));
        args.AddRange(["-map_metadata", source, "-map_chapters", source, .. metadata]);
        if (container == OutputContainer.Mp4)
        {
            args.AddRange(["-movflags", "+faststart"]);
            if (tb.Denominator <= int.MaxValue) args.AddRange(["-movie_timescale", tb.Denominator.ToString(CultureInfo.InvariantCulture)]);
        }
        var partial = r.OutputPath + ".partial" + Path.GetExtension(r.OutputPath);
        args.Add(partial);
        try
        {
            await Ffmpeg.RunCheckedAsync(args, ct).ConfigureAwait(false);
            File.Move(partial, r.OutputPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }

    /// <summary>
    /// The source's streams the join takes besides its video, in source order, with their place in the copy of them
    /// (<see cref="OtherStreams"/>): audio, the subtitles the output keeps (<see cref="SubtitleStreams"/>), attachments into Matroska.
    /// </summary>
    public static IReadOnlyList<(StreamInfo Stream, int CopyIndex)> Mapped(MediaInfo source, string outputPath, IReadOnlyList<string> subtitleOptions)
    {
        var container = OutputContainers.FromPath(outputPath);
        var others = OtherStreams.Of(source);
        return others.Select((s, i) => (s, i))
            .Where(m => m.s.CodecType == "audio"
                || (m.s.CodecType == "subtitle" && SubtitleStreams.Fits(m.s, outputPath, asAsked: subtitleOptions.Count > 0))
                || (m.s.CodecType == "attachment" && container == OutputContainer.Matroska))
            .ToList();
    }

    /// <summary>How the join writes those streams: copied, but for what the container needs converted and what the user asked.</summary>
    public static IReadOnlyList<string> CodecOptions(MediaInfo source, string outputPath, IReadOnlyList<string> audioOptions, IReadOnlyList<string> subtitleOptions)
    {
        var container = OutputContainers.FromPath(outputPath);
        var args = new List<string> { "-c", "copy" };
        // WebM holds only Opus/Vorbis audio: convert once, for the whole track, unless the user chose.
        if (container == OutputContainer.WebM && !audioOptions.Any(o => o is "-c:a" or "-codec:a" or "-acodec")
            && source.Streams.Any(s => s.CodecType == "audio" && s.CodecName is not ("opus" or "vorbis")))
            args.AddRange(["-c:a", "libopus"]);
        args.AddRange(audioOptions);
        if (SubtitleStreams.KeptCount(source, outputPath, asAsked: false) > 0 && subtitleOptions.Count == 0)
        {
            if (container == OutputContainer.Mp4) args.AddRange(["-c:s", "mov_text"]);
            else if (container == OutputContainer.WebM) args.AddRange(["-c:s", "webvtt"]);
        }
        args.AddRange(subtitleOptions);
        return args;
    }

    public static string ConcatList(AssemblyRequest r)
    {
        var sb = new StringBuilder("ffconcat version 1.0\n");
        for (var i = 0; i < r.ChunkFiles.Count; i++)
        {
            sb.Append("file '").Append(r.ChunkFiles[i].Replace("'", "'\\''", StringComparison.Ordinal)).Append("'\n");
            if (r.Plan.DurationTicks(r.Plan.Chunks[i]) is { } d)
                sb.Append("duration ").Append(r.Plan.TimeBase.ToSecondsText(d)).Append('\n');
        }
        return sb.ToString();
    }
}
