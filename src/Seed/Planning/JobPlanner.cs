using Flock.Media.Assembly;
using Flock.Media.Encoding;
using Flock.Media.Options;
using Flock.Media.Planning;
using Flock.Media.Probing;
using Flock.Media.Processes;
using Flock.Seed.Jobs;

namespace Flock.Seed.Planning;

/// <summary>Probes a job's input and splits it: the work a job does between queued and encoding.</summary>
public static class JobPlanner
{
    /// <summary>At most this many chunks are planned from the head of a file, however many nodes wait.</summary>
    public const int MaxHeadChunks = 8;

    /// <summary>
    /// The first chunks planned from the source's first seconds only, one per node that is up (so none waits), so
    /// nodes can start while the whole file is still being read (a large MP4's packets take seconds to list); null
    /// when the file is too short for it to matter or its packets are not its frames. Saved as
    /// <see cref="JobPlanFiles.HeadFileName"/> before they are handed out, so a restarted seed plans the rest after
    /// the very same cuts.
    /// </summary>
    public static async Task<JobPlanFiles?> PlanHeadAsync(JobSpec spec, ChunkSizing sizing, int nodes, string jobDirectory, CancellationToken ct)
    {
        var source = await SourceProbes.ProbeAsync(spec.InputPath, ct).ConfigureAwait(false);
        // Room for the chunks, each cut's keyframe window and everything a whole-file plan would put after them; what
        // follows the head must still make two chunks, so the whole plan's tail is planned as usual.
        double HeadSeconds(int n) => sizing.ChunkSeconds * (n * (1 + 2 * ChunkPlanner.KeyframeSnapFraction) + ChunkPlanner.MinimumTailFraction) + 1;
        var wanted = Math.Clamp(nodes, 1, MaxHeadChunks);
        while (wanted > 0 && source.DurationSeconds < 2 * sizing.ChunkSeconds + HeadSeconds(wanted)) wanted--;
        if (wanted == 0) return null;
        // The HDR probe decodes one frame: done while the head's packets are listed, as it lies on the way to the first chunk.
        var withHdr = OptionsAsync(spec, source, ct);
        var head = await TimelineReader.ReadHeadAsync(spec.InputPath, source, HeadSeconds(wanted), ct).ConfigureAwait(false);
        var (options, hdrWarnings) = await withHdr.ConfigureAwait(false);
        if (head is null || head.FrameCount == 0) return null;
        var first = ChunkPlanner.Plan(head, source.MainVideo!.Index, source.StartSeconds, sizing with { TailChunks = 0, FixedGop = FixedGop.Of(options) });
        // The head's last chunk ends where the read did, not at a real cut: it is never handed out.
        if (first.Chunks.Count < 2) return null;
        var plan = first with { Chunks = first.Chunks.Take(Math.Min(wanted, first.Chunks.Count - 1)).ToList() };
        var files = new JobPlanFiles(source, head, plan, options) { HdrWarnings = hdrWarnings, StreamWarnings = StreamWarnings(spec, source, options) };
        Directory.CreateDirectory(jobDirectory);
        await files.SaveAsync(jobDirectory, JobPlanFiles.HeadFileName, ct).ConfigureAwait(false);
        return files;
    }

    /// <summary>
    /// The user's options with the source's HDR metadata added for the encoder and, for a bitrate target, the level
    /// pinned (see <see cref="RateLevel"/>); every chunk is encoded with them, so the head's chunks and the rest's are
    /// alike. Also what of the HDR cannot be carried, and where the output's container will not say what its bitstream does.
    /// </summary>
    private static async Task<(EncoderOptions Options, IReadOnlyList<string>? HdrWarnings)> OptionsAsync(JobSpec spec, MediaInfo source, CancellationToken ct)
    {
        var options = EncoderOptions.Parse(spec.Options);
        var hdr = await SourceProbes.ProbeHdrAsync(spec.InputPath, source.MainVideo!.Index, ct).ConfigureAwait(false);
        var losses = HdrCarry.Losses(options, hdr).Concat(HdrCarry.ContainerNotes(options, hdr)).ToList();
        var pinned = await RateLevel.PinAsync(HdrCarry.Apply(options, hdr), spec.InputPath, source.MainVideo.Index, ct).ConfigureAwait(false);
        return (pinned, losses.Count > 0 ? losses : null);
    }

    private static IReadOnlyList<string>? StreamWarnings(JobSpec spec, MediaInfo source, EncoderOptions options)
    {
        if (SubtitleStreams.Refusal(source, spec.OutputPath, options.Subtitle) is { } refused) throw new MediaException(refused);
        return StreamsLeftOut.Warnings(source, spec.OutputPath, subtitlesAsAsked: options.Subtitle.Count > 0) is { Count: > 0 } lost ? lost : null;
    }

    /// <param name="head">The first chunks, already handed out, which the whole plan must begin with exactly.</param>
    public static async Task<JobPlanFiles> PlanAsync(JobSpec spec, ChunkSizing sizing, string jobDirectory, JobPlanFiles? head, CancellationToken ct)
    {
        var source = await SourceProbes.ProbeAsync(spec.InputPath, ct).ConfigureAwait(false);
        var video = source.MainVideo!;
        // The decode check and the HDR probe need nothing from the timeline, and listing a large file's packets is mostly waiting on I/O.
        var decodable = SourceChecks.CheckEndAsync(spec.InputPath, video, source, ct);
        var withHdr = OptionsAsync(spec, source, ct);
        // The join's other streams tried in the output's container (OutputTrial), beside the packet listing.
        async Task<string?> TrialAsync() =>
            await OutputTrial.CheckAsync(spec.InputPath, source, spec.OutputPath, (await withHdr.ConfigureAwait(false)).Options, jobDirectory, ct).ConfigureAwait(false);
        var trial = TrialAsync();
        var timeline = await TimelineReader.ReadAsync(spec.InputPath, source, ct).ConfigureAwait(false);
        await decodable.ConfigureAwait(false);
        var (options, hdrWarnings) = await withHdr.ConfigureAwait(false);
        // Flock's own refusals first (they say what to do in its terms), then what the trial met.
        var streamWarnings = StreamWarnings(spec, source, options);
        if (await trial.ConfigureAwait(false) is { } refused) throw new MediaException(refused);
        var fixedCuts = head?.Plan.Chunks.Select(c => c.EndPts!.Value).ToArray();
        var plan = ChunkPlanner.Plan(timeline, video.Index, source.StartSeconds, sizing with { FixedGop = FixedGop.Of(options) }, fixedCuts);
        foreach (var planned in head?.Plan.Chunks ?? [])
        {
            if (plan.Chunks.Count <= planned.Index || plan.Chunks[planned.Index] != planned)
                throw new MediaException($"chunk {planned.Index} changed once the whole source was read ({planned} became {plan.Chunks.ElementAtOrDefault(planned.Index)})");
        }
        var files = new JobPlanFiles(source, timeline, plan, options)         {
            Warning = SourceChecks.ShortfallWarning(timeline, source, source.StartSeconds),
            HdrWarnings = hdrWarnings,
            StreamWarnings = streamWarnings,
        };
        Directory.CreateDirectory(jobDirectory);
        await files.SaveAsync(jobDirectory, JobPlanFiles.FileName, ct).ConfigureAwait(false);
        return files;
    }
}
