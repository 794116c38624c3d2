using System.Globalization;
using Flock.Media.Storage;
using Flock.Messages;
using Flock.Messages.Jobs;

namespace Flock.Cli.Pbm.Output;

/// <summary>The human forms of jobs: list rows, the `job show` page, progress and final-state lines.</summary>
public static class JobFormatter
{
    public const string Separator = " | ";

    public static readonly IReadOnlyList<string> ListHeader = ["id", "state", "priority", "input", "output", "progress", "eta"];

    /// <summary>`id | state | priority | input | output | progress | eta`.</summary>
    public static IReadOnlyList<string> ListCells(JobResponse job) =>
        [job.Id, job.State, job.Priority.ToString(CultureInfo.InvariantCulture), job.Input, job.Output, Percent(job), Duration(job.EtaSeconds)];

    public static string CountFooter(int count) => string.Create(CultureInfo.InvariantCulture, $"Count: {Plural.Of(count, "job")}");

    public static readonly IReadOnlyList<string> ChunkHeader = ["index", "state", "attempts", "node", "frames"];

    /// <summary>
    /// Header lines, then `index | state | attempts | node | frames` per chunk (under a header row and aligned on a
    /// terminal), then the attempt history of any chunk that needed more than one attempt or did not end done.
    /// </summary>
    public static IEnumerable<string> Details(JobResponse job, bool terminal = false)
    {
        yield return "id: " + job.Id;
        yield return "state: " + job.State;
        if (!string.IsNullOrEmpty(job.Error))
        {
            yield return "reason: " + Program.OneLine(job.Error);
        }

        yield return "input: " + job.Input;
        yield return "output: " + job.Output;
        yield return "options: " + (job.Options.Count == 0 ? "-" : string.Join(' ', job.Options));
        yield return string.Create(CultureInfo.InvariantCulture, $"chunk seconds: {job.ChunkSeconds:0.###}");
        yield return string.Create(CultureInfo.InvariantCulture, $"priority: {job.Priority}");
        yield return "submitted: " + Timestamp(job.SubmittedAt);
        yield return "finished: " + (job.FinishedAt is { } finished ? Timestamp(finished) : "-");
        yield return "progress: " + Progress(job);
        if (job.TimeBreakdown is { } time) yield return "time: " + TimeBreakdown(time);
        foreach (var warning in job.Warnings ?? [])
        {
            yield return "warning: " + warning;
        }

        foreach (var entry in job.BadEntryPoints ?? [])
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"bad entry point: keyframe at {entry.Seconds:0.###}s ({entry.Reason}); chunks decoded from an earlier one");
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"chunks: {job.Chunks.Count}");
        // A job with a bitrate target also says what each chunk was asked for: the file's bits as the seed shared them.
        var rated = job.Chunks.Any(c => c.AskedBitsPerSecond is not null);
        var header = rated ? [.. ChunkHeader, "asked kb/s"] : ChunkHeader;
        foreach (var line in TextTable.Render(header, job.Chunks.Select(c => rated ? [.. ChunkCells(c), AskedKilobits(c)] : ChunkCells(c)).ToArray(), terminal))
        {
            yield return line;
        }

        var attempts = AttemptsWorthListing(job).ToArray();
        if (attempts.Length == 0)
        {
            yield break;
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"attempt history: {Plural.Of(attempts.Length, "attempt")} (chunks done on their first attempt are not listed; --json has all)");
        foreach (var line in TextTable.Render(AttemptHeader, attempts, terminal))
        {
            yield return line;
        }
    }

    /// <summary>
    /// `to first hand-out 1.2s | to first encode 2.0s | encoding 30.1s | idle box1 0.4s, box2 1.0s | last result to
    /// verified 0.8s | to assembly 0.0s | assembly 1.5s | total 36.0s`: what is not encoding is the job's fixed cost.
    /// </summary>
    public static string TimeBreakdown(JobTimeBreakdownResponse t)
    {
        static string S(double? seconds) => seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:0.0}s") : "-";
        var idle = t.IdleByNode.Count == 0 ? "-" : string.Join(", ", t.IdleByNode.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {S(p.Value)}"));
        return string.Join(Separator, $"to first hand-out {S(t.ToFirstHandOut)}", $"to first encode {S(t.ToFirstEncode)}", $"encoding {S(t.Encoding)}",
            $"idle {idle}", $"last result to verified {S(t.LastResultToVerified)}", $"to assembly {S(t.VerifiedToAssembly)}", $"assembly {S(t.Assembly)}", $"total {S(t.Total)}");
    }

    public static readonly IReadOnlyList<string> AttemptHeader = ["chunk", "attempt", "node", "outcome", "started", "ended", "bytes", "error"];

    /// <summary>
    /// `chunk | attempt | node | outcome | started | ended | bytes | error` for every attempt of a chunk that took more
    /// than one or did not end done: a failure must not vanish behind the retry that succeeded.
    /// </summary>
    private static IEnumerable<IReadOnlyList<string>> AttemptsWorthListing(JobResponse job) =>
        from chunk in job.Chunks
        let history = chunk.History ?? []
        where history.Count > 1 || history.Any(a => a.Outcome != AttemptOutcomes.Done)
        from a in history
        select (IReadOnlyList<string>)
        [
            chunk.Index.ToString(CultureInfo.InvariantCulture),
            a.Attempt.ToString(CultureInfo.InvariantCulture),
            a.Node,
            a.Outcome,
            TimeOfDay(a.Started),
            a.Ended is { } ended ? TimeOfDay(ended) : "-",
            a.Bytes is { } bytes ? bytes.ToString(CultureInfo.InvariantCulture) : "-",
            string.IsNullOrEmpty(a.Error) ? "-" : Program.OneLine(a.Error),
        ];

    private static string TimeOfDay(DateTimeOffset at) => at.ToUniversalTime().ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static IReadOnlyList<string> ChunkCells(ChunkResponse chunk) =>
    [
        chunk.Index.ToString(CultureInfo.InvariantCulture),
        chunk.State,
        chunk.Attempts.ToString(CultureInfo.InvariantCulture),
        string.IsNullOrEmpty(chunk.Node) ? "-" : chunk.Node,
        chunk.Frames.ToString(CultureInfo.InvariantCulture),
    ];

    private static string AskedKilobits(ChunkResponse chunk) =>
        chunk.AskedBitsPerSecond is { } rate ? (rate / 1000).ToString(CultureInfo.InvariantCulture) : "-";

    /// <summary>One line saying where a running job stands, e.g. `abc encoding 41.7% (500/1200 frames, 3/8 chunks)`.</summary>
    public static string ProgressLine(JobResponse job) => job.Id + " " + job.State + " " + Progress(job);

    /// <summary>The line `job wait` ends with: `ID completed`, `ID failed: REASON`, `ID cancelled`.</summary>
    public static string FinalLine(JobResponse job) =>
        string.IsNullOrEmpty(job.Error) ? job.Id + " " + job.State : job.Id + " " + job.State + ": " + Program.OneLine(job.Error);

    /// <summary>`41.7% (500/1200 frames, 3/8 chunks)`; frames/chunks parts only once known.</summary>
    public static string Progress(JobResponse job)
    {
        var text = Percent(job);
        var parts = new List<string>(2);
        if (job.TotalFrames > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{job.EncodedFrames}/{job.TotalFrames} {Plural.Noun(job.TotalFrames, "frame")}"));
        }

        if (job.Chunks.Count > 0)
        {
            var done = job.Chunks.Count(c => c.State == ChunkStates.Done);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{done}/{job.Chunks.Count} {Plural.Noun(job.Chunks.Count, "chunk")}"));
        }

        return parts.Count == 0 ? text : text + " (" + string.Join(", ", parts) + ")";
    }

    /// <summary>Encoded share of the frames: `41.7%`; `100.0%` once completed; `-` before the job is planned.</summary>
    public static string Percent(JobResponse job)
    {
        if (job.State == JobStates.Completed)
        {
            return "100.0%";
        }

        if (job.TotalFrames <= 0)
        {
            return "-";
        }

        var share = Math.Clamp((double)job.EncodedFrames / job.TotalFrames, 0, 1);
        return (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
    }

    public static readonly IReadOnlyList<string> WatchHeader = ["node", "chunk", "state", "fps", "percent"];

    /// <summary>
    /// What `job watch` (and an attached `job submit`) shows each time: the <see cref="SummaryLine">summary line</see>,
    /// then `node | chunk | state | fps | percent` for every chunk out on a node: `encoding` ones first, then `reserved`
    /// ones (held in a node's reserve, not started: no rate yet).
    /// </summary>
    /// <param name="now">The time to measure elapsed against when the seed did not say (tests pass a fixed one).</param>
    /// <param name="width">The terminal's width, when on one (see <see cref="SummaryLine"/>).</param>
    public static IEnumerable<string> WatchLines(JobResponse job, bool terminal, DateTimeOffset? now = null, int? width = null)
    {
        yield return SummaryLine(job, now, width);
        var running = job.Chunks
            .Where(c => c.State is ChunkStates.Assigned or ChunkStates.Encoding && !string.IsNullOrEmpty(c.Node))
            .OrderBy(c => c.State == ChunkStates.Encoding ? 0 : 1)
            .ThenBy(c => c.Node, StringComparer.Ordinal)
            .ThenBy(c => c.Index)
            .Select(c => (IReadOnlyList<string>)
            [
                c.Node!,
                string.Create(CultureInfo.InvariantCulture, $"{job.Id}/{c.Index}"),
                c.State == ChunkStates.Encoding ? "encoding" : "reserved",
                c.State == ChunkStates.Encoding ? Rate(c.Fps) : "-",
                c.Percent.ToString("0.0", CultureInfo.InvariantCulture) + "%",
            ])
            .ToArray();
        foreach (var line in TextTable.Render(WatchHeader, running, terminal))
        {
            yield return line;
        }
    }

    /// <summary>
    /// What a watch block is about, rates and percentages aside: the job's state and which chunk is encoding or
    /// reserved on which node. Redirected, a block is written at once when this changes.
    /// </summary>
    public static string WatchSubject(JobResponse job) =>
        job.State + ":" + string.Join(',', job.Chunks
            .Where(c => c.State is ChunkStates.Assigned or ChunkStates.Encoding or ChunkStates.Done)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Index}/{c.State}/{c.Node}")));

    /// <summary>
    /// `ID STATE [bar] PROGRESS | now 52.3 fps, avg 48.0 fps | elapsed 1m02s | eta 13s | size 1.2 MiB of ~3.4 MiB`:
    /// the seed's figures (its smoothed ETA, its average over the encode), so pbm, the dashboard, `flock encode` and
    /// `flock demo` agree. The size is the verified chunks' so far and, after `of ~`, what that extrapolates to.
    /// </summary>
    /// <param name="width">On a terminal, its width: a line that would not fit drops the frame and chunk counts, then
    /// the size, then the average rate, before it is cut, so that the ETA stays in view.</param>
    public static string SummaryLine(JobResponse job, DateTimeOffset? now = null, int? width = null)
    {
        var elapsed = job.ElapsedSeconds ?? Math.Max(0, ((job.FinishedAt ?? now ?? DateTimeOffset.UtcNow) - job.SubmittedAt).TotalSeconds);
        string Line(string progress, bool size, bool average = true) => job.Id + " " + job.State + " " + Bar(job) + " " + progress
            + Separator + "now " + Rate(job.FramesPerSecond) + (average ? ", avg " + Rate(job.AverageFramesPerSecond) : "")
            + Separator + "elapsed " + Duration(elapsed)
            + Separator + "eta " + Duration(job.EtaSeconds)
            + (size ? Separator + "size " + Size(job) : "");
        var full = Line(Progress(job), size: true);
        if (width is not { } w || full.Length < w)
        {
            return full;
        }

        var shorter = Line(Percent(job), size: true);
        var shortest = Line(Percent(job), size: false);
        return shorter.Length < w ? shorter : shortest.Length < w ? shortest : Line(Percent(job), size: false, average: false);
    }

    /// <summary>`1.2 MiB of ~3.4 MiB` while encoding, `3.4 MiB` once known for good, `-` before any chunk is verified.</summary>
    public static string Size(JobResponse job) => job.OutputBytes switch
    {
        null => "-",
        { } bytes when job.ExpectedOutputBytes is { } expected && (expected != bytes || job.State != JobStates.Completed) =>
            DiskSpace.Format(bytes) + " of ~" + DiskSpace.Format(expected),
        { } bytes => DiskSpace.Format(bytes),
    };

    /// <summary>`[######----]`: the encoded share of the frames in ten cells.</summary>
    public static string Bar(JobResponse job)
    {
        var share = job.State == JobStates.Completed ? 1 : job.TotalFrames > 0 ? Math.Clamp((double)job.EncodedFrames / job.TotalFrames, 0, 1) : 0;
        var full = (int)Math.Floor(share * 10);
        return "[" + new string('#', full) + new string('-', 10 - full) + "]";
    }

    /// <summary>`52.3 fps`, or `-` when not known.</summary>
    public static string Rate(double? framesPerSecond) =>
        framesPerSecond is { } fps ? fps.ToString("0.0", CultureInfo.InvariantCulture) + " fps" : "-";

    /// <summary>`45s`, `3m07s`, `2h05m`; `-` when not known.</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } s || double.IsNaN(s) || double.IsInfinity(s))
        {
            return "-";
        }

        // Half a second rounds up, as the dashboard's Math.round does: banker's rounding made 28.5 s read "28s" in pbm
        // and "29s" on the page.
        var t = TimeSpan.FromSeconds(Math.Max(0, Math.Round(s, MidpointRounding.AwayFromZero)));
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h{t.Minutes:00}m")
            : t.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}m{t.Seconds:00}s")
                : string.Create(CultureInfo.InvariantCulture, $"{t.Seconds}s");
    }

    private static string Timestamp(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
