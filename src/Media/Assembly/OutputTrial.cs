using Flock.Media.Options;
using Flock.Media.Probing;
using Flock.Media.Processes;

namespace Flock.Media.Assembly;

/// <summary>
/// The join writes the source's audio, subtitles and attachments into the output's container as it is asked to, and a
/// container that cannot hold one of them (FLAC, PCM or TrueHD copied into MP4) made ffmpeg fail there: after every
/// chunk had been encoded. At planning, the same streams with the same options are first written into that container
/// for a second of the source; a refusal then fails the job before any chunk is encoded, with ffmpeg's own reason.
/// </summary>
public static class OutputTrial
{
    /// <summary>Null when the output can hold them; else one line saying why not and what to do.</summary>
    public static async Task<string?> CheckAsync(string sourcePath, MediaInfo source, string outputPath, EncoderOptions options, string workDirectory, CancellationToken ct)
    {
        var mapped = ChunkAssembler.Mapped(source, outputPath, options.Subtitle);
        if (mapped.Count == 0) return null;
        Directory.CreateDirectory(workDirectory);
        var trial = Path.Combine(workDirectory, "output-trial" + Path.GetExtension(outputPath));
        var format = OutputContainers.MuxerFor(outputPath);
        List<string> args = ["-nostdin", "-hide_banner", "-v", "error", "-y", .. MediaProbe.LocalInputGuard, "-i", sourcePath];
        foreach (var (stream, _) in mapped) args.AddRange(["-map", $"0:{stream.Index}"]);
        args.AddRange(ChunkAssembler.CodecOptions(source, outputPath, options.Audio, options.Subtitle));
        args.AddRange(["-t", "1", "-f", format, trial]);
        try
        {
            var result = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath, args, ct).ConfigureAwait(false);
            if (result.Succeeded) return null;
            var kinds = string.Join(", ", mapped.Select(m => $"{m.Stream.CodecType} {m.Stream.Index} ({m.Stream.CodecName})"));
            var reason = FfmpegErrorText.Summary(result.StandardErrorTail, result.ExitCode);
            // ffmpeg's own advice for an experimental muxing (-strict) is not an option Flock takes.
            var strict = reason.IndexOf(", add '-strict", StringComparison.Ordinal);
            if (strict > 0) reason = reason[..strict];
            return $"the output cannot hold the source's other streams as they would be written ({kinds}): {reason}; "
                + "give audio options it can hold (-c:a aac, or -c:a alac to stay lossless in MP4) or write a .mkv";
        }
        finally
        {
            if (File.Exists(trial)) File.Delete(trial);
        }
    }
}
