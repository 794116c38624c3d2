using Flock.Media.Assembly;
using Flock.Media.Encoding;
using Flock.Media.Options;
using Flock.Media.Probing;
using Flock.Media.Processes;
using Flock.Seed.Planning;

namespace Flock.Seed.Api;

/// <summary>
/// Refuses a bad submission before it becomes a job: a missing or non-video input, an output container Flock cannot
/// write, options that are refused, or an encoder or option ffmpeg does not know (found by encoding one tiny frame).
/// With <c>hdrStrict</c> (flock.seed.hdr = strict), also a source whose HDR the chosen encoder cannot carry.
/// </summary>
public static class SubmissionValidator
{
    public static async Task ValidateAsync(string inputPath, string outputName, IReadOnlyList<string> options, double chunkSeconds, CancellationToken ct,
        int maxChunks = int.MaxValue, bool hdrStrict = false)
    {
        if (!(chunkSeconds >= 0.5 && chunkSeconds <= 3600)) throw new MediaException($"chunk length {chunkSeconds}s is out of range (0.5 to 3600)");
        OutputContainers.FromPath(outputName);
        var parsed = EncoderOptions.Parse(options);
        // The options are tried while the source is probed: both lie on the way from a submit to the first chunk.
        using var trying = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var vf = parsed.VideoFilter is null ? Array.Empty<string>() : ["-vf", parsed.VideoFilter];
        // Into both containers the encoded video goes through: chunks travel as MP4 (VP8 fits no MP4, and every chunk
        // of such a job failed on its node), and the output's (H.264 fits no WebM, and such a job failed at the join).
        var tried = Path.Combine(Path.GetTempPath(), $"flock-try-{Guid.NewGuid():N}");
        var muxers = new[] { "mp4", OutputContainers.MuxerFor(outputName) }.Distinct().ToList();
        var files = muxers.Select(m => $"{tried}.{m}").ToList();
        Task<ProcessResult> Try(string size, CancellationToken token) => ProcessRunner.RunAsync(Ffmpeg.FfmpegPath,
            ["-nostdin", "-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=s={size}:r=10:d=0.3",
             .. muxers.SelectMany((m, i) => (string[])[.. vf, .. TwoPass.Without(parsed.Video), "-an", "-f", m, files[i]])], token);
        try
        {
            await ValidateParsedAsync(inputPath, parsed, outputName, chunkSeconds, maxChunks, hdrStrict, trying, Try, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var file in files) File.Delete(file);
        }
    }

    private static async Task ValidateParsedAsync(string inputPath, EncoderOptions parsed, string outputName, double chunkSeconds, int maxChunks, bool hdrStrict,
        CancellationTokenSource trying, Func<string, CancellationToken, Task<ProcessResult>> tryVideo, CancellationToken ct)
    {
        // A filter (a crop, a pad) may only make sense at the source's own size: it is tried on a frame of that size,
        // once the probe says what it is. Without one, the try runs beside the probe.
        var videoTried = parsed.VideoFilter is null ? tryVideo("128x72", trying.Token) : null;
        MediaInfo source;
        try
        {
            source = await SourceProbes.ProbeAsync(inputPath, ct).ConfigureAwait(false);
        }
        catch
        {
            await trying.CancelAsync().ConfigureAwait(false);
            // The probe's error is the one to report; the options' try only has to be over.
            try { if (videoTried is not null) await videoTried.ConfigureAwait(false); } catch (Exception) { }
            throw;
        }
        // The planner cuts near every chunk length (at keyframes): this many chunks, give or take one.
        var chunks = Math.Ceiling(source.DurationSeconds / chunkSeconds);
        var video = await (videoTried ?? tryVideo(source.MainVideo is { Width: > 0, Height: > 0 } v ? $"{v.Width}x{v.Height}" : "128x72", ct)).ConfigureAwait(false);
        if (chunks > maxChunks)
            throw new MediaException($"the job would have about {chunks:0} chunks, more than flock.seed.max-chunks-per-job ({maxChunks}): use longer chunks");
        if (!video.Succeeded)
            throw new MediaException($"video options refused by ffmpeg: {FfmpegErrorText.Summary(video.StandardErrorTail, video.ExitCode)} (chunks travel as MP4, the output is {Path.GetExtension(outputName)})",
                video.StandardErrorTail);
        if (hdrStrict)
        {
            var hdr = await SourceProbes.ProbeHdrAsync(inputPath, source.MainVideo!.Index, ct).ConfigureAwait(false);
            if (HdrCarry.Losses(parsed, hdr) is { Count: > 0 } losses)
                throw new MediaException($"refused (flock.seed.hdr = strict): {string.Join("; ", losses)}");
        }
        if (parsed.Audio.Count > 0)
        {
            var audio = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath,
                ["-nostdin", "-hide_banner", "-v", "error", "-f", "lavfi", "-i", "sine=d=0.3", .. parsed.Audio, "-f", "null", "-"], ct).ConfigureAwait(false);
            if (!audio.Succeeded) throw new MediaException($"audio options refused by ffmpeg: {FfmpegErrorText.Summary(audio.StandardErrorTail, audio.ExitCode)}", audio.StandardErrorTail);
        }
    }
}
