using Flock.Media.Options;
using Flock.Media.Planning;
using Flock.Media.Probing;
using Flock.Media.Processes;
using Flock.Seed.Jobs;

namespace Flock.Seed.Planning;

/// <summary>Probes a job's input and splits it: the work a job does between queued and encoding.</summary>
public static class JobPlanner
{
    /// <summary>
    /// A first chunk planned from the source's first seconds only, so a node can start while the whole file is still
    /// being read (a large MP4's packets take seconds to list); null when the file is too short for it to matter or its
    /// packets are not its frames. Saved as <see cref="JobPlanFiles.HeadFileName"/> before it is handed out, so a
    /// restarted seed plans the rest after the very same cut.
    /// </summary>
    public static async Task<JobPlanFiles?> PlanHeadAsync(JobSpec spec, ChunkSizing sizing, string jobDirectory, CancellationToken ct)
    {
        var options = EncoderOptions.Parse(spec.Options);
        var source = await MediaProbe.ProbeAsync(spec.InputPath, ct).ConfigureAwait(false);
        // Room for the first chunk, its keyframe window and everything a whole-file plan would put after it.
        var headSeconds = sizing.ChunkSeconds * (1 + 2 * ChunkPlanner.KeyframeSnapFraction + ChunkPlanner.MinimumTailFraction) + 1;
        if (source.DurationSeconds < 3 * sizing.ChunkSeconds + headSeconds) return null;
        var head = await TimelineReader.ReadHeadAsync(spec.InputPath, source, headSeconds, ct).ConfigureAwait(false);
        if (head is null || head.FrameCount == 0) return null;
        var first = ChunkPlanner.Plan(head, source.MainVideo!.Index, source.StartSeconds, sizing with { TailChunks = 0 });
        if (first.Chunks.Count < 2) return null;
        var plan = first with { Chunks = [first.Chunks[0]] };
        var files = new JobPlanFiles(source, head, plan, options);
        Directory.CreateDirectory(jobDirectory);
        await files.SaveAsync(jobDirectory, JobPlanFiles.HeadFileName, ct).ConfigureAwait(false);
        return files;
    }

    /// <param name="head">The first chunk already handed out, which the whole plan must begin with exactly.</param>
    public static async Task<JobPlanFiles> PlanAsync(JobSpec spec, ChunkSizing sizing, string jobDirectory, JobPlanFiles? head, CancellationToken ct)
    {
        var options = EncoderOptions.Parse(spec.Options);
        var source = await MediaProbe.ProbeAsync(spec.InputPath, ct).ConfigureAwait(false);
        var video = source.MainVideo!;
        // The decode check needs nothing from the timeline, and listing a large file's packets is mostly waiting on I/O.
        var decodable = CheckDecodableAsync(spec.InputPath, video, source, ct);
        var timeline = await TimelineReader.ReadAsync(spec.InputPath, source, ct).ConfigureAwait(false);
        await decodable.ConfigureAwait(false);
        long[]? fixedCuts = head is null ? null : [head.Plan.Chunks[0].EndPts!.Value];
        var plan = ChunkPlanner.Plan(timeline, video.Index, source.StartSeconds, sizing, fixedCuts);
        if (head is not null && plan.Chunks[0] != head.Plan.Chunks[0])
            throw new MediaException($"the first chunk changed once the whole source was read ({head.Plan.Chunks[0]} became {plan.Chunks[0]})");
        var files = new JobPlanFiles(source, timeline, plan, options);
        Directory.CreateDirectory(jobDirectory);
        await files.SaveAsync(jobDirectory, JobPlanFiles.FileName, ct).ConfigureAwait(false);
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
