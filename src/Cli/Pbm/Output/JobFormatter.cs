using System.Globalization;
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

    public static string CountFooter(int count) => string.Create(CultureInfo.InvariantCulture, $"Count: {count} jobs");

    /// <summary>Header lines, then `index | state | attempts | node | frames` per chunk.</summary>
    public static IEnumerable<string> Details(JobResponse job)
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
        foreach (var warning in job.Warnings ?? [])
        {
            yield return "warning: " + warning;
        }

        foreach (var entry in job.BadEntryPoints ?? [])
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"bad entry point: keyframe at {entry.Seconds:0.###}s ({entry.Reason}); chunks decoded from an earlier one");
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"chunks: {job.Chunks.Count}");
        foreach (var chunk in job.Chunks)
        {
            yield return ChunkRow(chunk);
        }
    }

    /// <summary>`index | state | attempts | node | frames` (node `-` when unassigned).</summary>
    public static string ChunkRow(ChunkResponse chunk) =>
        string.Join(
            Separator,
            chunk.Index.ToString(CultureInfo.InvariantCulture),
            chunk.State,
            chunk.Attempts.ToString(CultureInfo.InvariantCulture),
            string.IsNullOrEmpty(chunk.Node) ? "-" : chunk.Node,
            chunk.Frames.ToString(CultureInfo.InvariantCulture));

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
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{job.EncodedFrames}/{job.TotalFrames} frames"));
        }

        if (job.Chunks.Count > 0)
        {
            var done = job.Chunks.Count(c => c.State == ChunkStates.Done);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{done}/{job.Chunks.Count} chunks"));
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

    public static readonly IReadOnlyList<string> WatchHeader = ["node", "chunk", "fps", "percent"];

    /// <summary>
    /// What `job watch` shows each time: `ID STATE PROGRESS | 52.3 fps | eta 1m05s`, then `node | chunk | fps | percent`
    /// for every chunk being encoded right now.
    /// </summary>
    public static IEnumerable<string> WatchLines(JobResponse job, bool terminal)
    {
        yield return ProgressLine(job) + Separator + Rate(job.FramesPerSecond) + Separator + "eta " + Duration(job.EtaSeconds);
        var running = job.Chunks
            .Where(c => c.State is ChunkStates.Assigned or ChunkStates.Encoding && !string.IsNullOrEmpty(c.Node))
            .OrderBy(c => c.Node, StringComparer.Ordinal)
            .ThenBy(c => c.Index)
            .Select(c => (IReadOnlyList<string>)
            [
                c.Node!,
                string.Create(CultureInfo.InvariantCulture, $"{job.Id}/{c.Index}"),
                Rate(c.Fps),
                c.Percent.ToString("0.0", CultureInfo.InvariantCulture) + "%",
            ])
            .ToArray();
        foreach (var line in TextTable.Render(WatchHeader, running, terminal))
        {
            yield return line;
        }
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

        var t = TimeSpan.FromSeconds(Math.Max(0, Math.Round(s)));
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h{t.Minutes:00}m")
            : t.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}m{t.Seconds:00}s")
                : string.Create(CultureInfo.InvariantCulture, $"{t.Seconds}s");
    }

    private static string Timestamp(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
