using Flock.Media.Options;
using Flock.Media.Planning;
using Flock.Media.Probing;
using Flock.Media.Processes;
using Flock.Seed.Jobs;

namespace Flock.Seed.Planning;

/// <summary>Probes a job's input and splits it: the work a job does between queued and encoding.</summary>
public static class JobPlanner
{
    public static async Task<JobPlanFiles> PlanAsync(JobSpec spec, string jobDirectory, CancellationToken ct)
    {
        var options = EncoderOptions.Parse(spec.Options);
        var source = await MediaProbe.ProbeAsync(spec.InputPath, ct).ConfigureAwait(false);
        var video = source.MainVideo!;
        var timeline = await TimelineReader.ReadAsync(spec.InputPath, source, ct).ConfigureAwait(false);
        var plan = ChunkPlanner.Plan(timeline, video.Index, source.StartSeconds, spec.ChunkSeconds);
        await CheckDecodableAsync(spec.InputPath, video, source, ct).ConfigureAwait(false);
        var files = new JobPlanFiles(source, timeline, plan, options);
        Directory.CreateDirectory(jobDirectory);
        await files.SaveAsync(jobDirectory, ct).ConfigureAwait(false);
        return files;
    }

    /// <summary>
    /// A truncated file can still list packets; decoding the last second proves the end is there, so the job fails
    /// now with the reason instead of on some node later.
    /// </summary>
    private static async Task CheckDecodableAsync(string path, StreamInfo video, MediaInfo source, CancellationToken ct)
    {
        var from = Math.Max(0, source.DurationSeconds - 1);
        var r = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath,
            ["-nostdin", "-v", "error", "-xerror", "-ss", from.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), "-i", path,
             "-map", $"0:{video.Index}", "-f", "null", "-"], ct).ConfigureAwait(false);
        if (!r.Succeeded) throw new MediaException($"input is damaged or truncated: {r.LastErrorLine}", r.StandardErrorTail);
    }
}
