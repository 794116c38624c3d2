using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Flock.Cli.Pbm.Output;
using Flock.Messages;
using Flock.Messages.Jobs;

namespace Flock.Cli.Pbm;

/// <summary>`pbm job submit|list|show|wait|watch|fetch|cancel|retry|priority`.</summary>
public static class JobCommands
{
    public static Command Build(PbmContext context)
    {
        var job = new Command("job", "Submit, follow, fetch and cancel encoding jobs.");
        job.Subcommands.Add(Submit(context));
        job.Subcommands.Add(List(context));
        job.Subcommands.Add(Show(context));
        job.Subcommands.Add(Wait(context));
        job.Subcommands.Add(Watch(context));
        job.Subcommands.Add(Fetch(context));
        job.Subcommands.Add(Cancel(context));
        job.Subcommands.Add(Retry(context));
        job.Subcommands.Add(Priority(context));
        return job;
    }

    private static Command Submit(PbmContext context)
    {
        var input = new Argument<string>("IN") { Description = "Local input video; it is uploaded to the seed." };
        var output = new Argument<string?>("OUT")
        {
            Description = "Where to write the result (its extension picks the container; job list shows it; job fetch writes it). Optional with --detach.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var options = new Argument<string[]>("FFMPEG_OPTIONS")
        {
            Description = "ffmpeg output options, after `--` (default: " + string.Join(' ', Protocol.DefaultVideoOptions) + ").",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var chunkSeconds = CommonOptions.ChunkSeconds();
        var priority = new Option<int>("--priority") { Description = "Higher runs first.", HelpName = "P" };
        var detach = new Option<bool>("--detach") { Description = "Print the job id and return at once." };
        var live = new Option<bool>("--live") { Description = "Publish the job as HLS while it encodes and print the playlist URL (needs the token: header, or ?token= for players)." };
        var keepLive = new Option<bool>("--keep-live") { Description = "Keep the live HLS files once the job ends (by default they go with its other work files)." };

        var command = new Command("submit", "Upload IN as a new job, follow it and download the result to OUT.");
        command.Arguments.Add(input);
        command.Arguments.Add(output);
        command.Arguments.Add(options);
        command.Options.Add(chunkSeconds);
        command.Options.Add(priority);
        command.Options.Add(detach);
        command.Options.Add(live);
        command.Options.Add(keepLive);
        command.SetAction(async (parse, ct) =>
        {
            var inPath = parse.GetValue(input)!;
            var (outPath, ffmpegOptions) = OutputAndOptions(parse, output, options);
            if (!File.Exists(inPath))
            {
                throw new PbmException("input not found: " + inPath);
            }

            var detached = parse.GetValue(detach);
            if (!detached)
            {
                if (outPath is null)
                {
                    throw new PbmException("OUT is required unless --detach (then `job fetch ID [OUT]` downloads the result later)", PbmExitCodes.Usage);
                }

                EnsureOutputDirectory(outPath);
            }

            using var client = context.Connect(parse);
            var id = await client.UploadJobAsync(
                inPath, outPath, ffmpegOptions, parse.GetValue(chunkSeconds), parse.GetValue(priority), ct, parse.GetValue(live), parse.GetValue(keepLive))
                .ConfigureAwait(false);
            // The seed may publish every job live (flock.seed.live = on): what it says is what is printed.
            var liveUrl = await LiveUrlAsync(client, id, ct).ConfigureAwait(false);
            if (detached || outPath is null)
            {
                context.WriteLine(id);
                // On stderr, so `id=$(pbm job submit --detach ...)` still gets the id alone.
                if (liveUrl is not null) context.Console.Error.WriteLine("live " + liveUrl);
                return PbmExitCodes.Success;
            }

            if (liveUrl is not null) context.WriteLine("live " + liveUrl);

            var job = await FollowAsync(client, id, context, showProgress: true, ct, asWatch: true).ConfigureAwait(false);
            if (job.State != JobStates.Completed)
            {
                var reason = string.IsNullOrWhiteSpace(job.Error) ? job.State : Program.OneLine(job.Error);
                throw new PbmException($"job {id} failed: {reason}");
            }

            var bytes = await client.DownloadOutputAsync(id, outPath, ct).ConfigureAwait(false);
            context.WriteLine(Wrote(outPath, bytes));
            return PbmExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// OUT may be left out with --detach, but an optional argument followed by `-- OPTIONS` would swallow the first
    /// option: a value that came after `--` is an option, not OUT.
    /// </summary>
    private static (string? Output, string[] Options) OutputAndOptions(ParseResult parse, Argument<string?> output, Argument<string[]> options)
    {
        var rest = parse.GetValue(options) ?? [];
        if (parse.GetResult(output)?.Tokens is not [var outToken])
        {
            return (null, rest);
        }

        var tokens = parse.Tokens.ToList();
        var doubleDash = tokens.FindIndex(t => t.Type == System.CommandLine.Parsing.TokenType.DoubleDash);
        var at = tokens.FindIndex(t => ReferenceEquals(t, outToken));
        return doubleDash >= 0 && at > doubleDash ? (null, [outToken.Value, .. rest]) : (outToken.Value, rest);
    }

    private static Command List(PbmContext context)
    {
        var json = JsonOption();
        var command = new Command("list", "List jobs: id | state | priority | input | output | progress | eta.");
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var list = await client.ListJobsAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                context.WriteLine(JsonSerializer.Serialize(list, WireJson.Options));
                return PbmExitCodes.Success;
            }

            foreach (var line in TextTable.Render(JobFormatter.ListHeader, list.Jobs.Select(JobFormatter.ListCells).ToArray(), context.Console.IsOutputTerminal))
            {
                context.WriteLine(line);
            }

            context.WriteLine(JobFormatter.CountFooter(list.Jobs.Count));
            return PbmExitCodes.Success;
        });
        return command;
    }

    private static Command Show(PbmContext context)
    {
        var id = IdArgument();
        var json = JsonOption();
        var command = new Command("show", "Show one job and its chunks.");
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var job = await client.GetJobAsync(parse.GetValue(id)!, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                context.WriteLine(JsonSerializer.Serialize(job, WireJson.Options));
                return PbmExitCodes.Success;
            }

            foreach (var line in JobFormatter.Details(job, context.Console.IsOutputTerminal))
            {
                context.WriteLine(line);
            }

            return PbmExitCodes.Success;
        });
        return command;
    }

    private static Command Wait(PbmContext context)
    {
        var id = IdArgument();
        var command = new Command("wait", "Wait until a job is final; exit 0 completed, 1 failed, 2 cancelled.");
        command.Arguments.Add(id);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            // Progress only on a terminal: redirected, `job wait` prints just the final state line.
            var job = await FollowAsync(client, parse.GetValue(id)!, context, showProgress: context.Console.IsOutputTerminal, ct)
                .ConfigureAwait(false);
            context.WriteLine(JobFormatter.FinalLine(job));
            return ExitCodeOf(job);
        });
        return command;
    }

    private static Command Watch(PbmContext context)
    {
        var id = IdArgument();
        var json = new Option<bool>("--json") { Description = "Print the seed's JSON for the job once per poll, one object per line." };
        var command = new Command(
            "watch",
            "Show live progress per node (node | chunk | fps | percent) and the job's ETA until it ends; exit 0 completed, 1 failed, 2 cancelled.");
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var asJson = parse.GetValue(json);
            var view = new WatchView(context.Console);
            string? lastWarning = null;
            if (!asJson && await LiveUrlAsync(client, parse.GetValue(id)!, ct).ConfigureAwait(false) is { } liveUrl)
            {
                context.WriteLine("live " + liveUrl);
            }

            var job = await PollAsync(client, parse.GetValue(id)!, context, update =>
            {
                if (asJson)
                {
                    context.WriteLine(JsonSerializer.Serialize(update, WireJson.Options));
                    context.Console.Out.Flush();
                }
                else
                {
                    view.Show(update);
                }
            }, ct, (silent, reason) =>
            {
                var warning = JobPoller.UnreachableLine(silent, reason);
                if (!asJson)
                {
                    view.Unreachable(warning);
                }
                else if (warning != lastWarning)
                {
                    context.Console.Error.WriteLine(warning);
                    context.Console.Error.Flush();
                }

                lastWarning = warning;
            }).ConfigureAwait(false);

            if (!asJson)
            {
                context.WriteLine(JobFormatter.FinalLine(job));
            }

            return ExitCodeOf(job);
        });
        return command;
    }

    private static Command Retry(PbmContext context)
    {
        var id = IdArgument();
        var command = new Command("retry", "Run a failed or cancelled job again, keeping its verified chunks.");
        command.Arguments.Add(id);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var job = await client.RetryJobAsync(parse.GetValue(id)!, ct).ConfigureAwait(false);
            var kept = job.Chunks.Count(c => c.State == ChunkStates.Done);
            context.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{job.Id} {job.State} ({kept}/{job.Chunks.Count} {Plural.Noun(job.Chunks.Count, "chunk")} kept)"));
            return PbmExitCodes.Success;
        });
        return command;
    }

    private static Command Priority(PbmContext context)
    {
        var id = IdArgument();
        var priority = new Argument<int>("P") { Description = "New priority; higher runs first." };
        var command = new Command("priority", "Change a waiting or running job's priority.");
        command.Arguments.Add(id);
        command.Arguments.Add(priority);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var job = await client.SetPriorityAsync(parse.GetValue(id)!, parse.GetValue(priority), ct).ConfigureAwait(false);
            context.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{job.Id} priority {job.Priority}"));
            return PbmExitCodes.Success;
        });
        return command;
    }

    private static Command Fetch(PbmContext context)
    {
        var id = IdArgument();
        var output = new Argument<string?>("OUT") { Description = "Where to write the result (default: the OUT given at submit).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("fetch", "Download a completed job's output to OUT (default: the OUT it was submitted with).");
        command.Arguments.Add(id);
        command.Arguments.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var jobId = parse.GetValue(id)!;
            var outPath = parse.GetValue(output);
            if (outPath is null)
            {
                var job = await client.GetJobAsync(jobId, ct).ConfigureAwait(false);
                outPath = job.Output is { Length: > 0 } o && o != "-"
                    ? o
                    : throw new PbmException($"job {jobId} was submitted without OUT: say where to write it (job fetch {jobId} OUT)", PbmExitCodes.Usage);
            }

            EnsureOutputDirectory(outPath);
            var bytes = await client.DownloadOutputAsync(jobId, outPath, ct).ConfigureAwait(false);
            context.WriteLine(Wrote(outPath, bytes));
            return PbmExitCodes.Success;
        });
        return command;
    }

    private static Command Cancel(PbmContext context)
    {
        var id = IdArgument();
        var command = new Command("cancel", "Cancel a job.");
        command.Arguments.Add(id);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var job = await client.CancelJobAsync(parse.GetValue(id)!, ct).ConfigureAwait(false);
            context.WriteLine(job.Id + " " + job.State);
            return PbmExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// What `job watch` and an attached `job submit` show: the watch block, redrawn in place on a terminal; redirected,
    /// written again at the <see cref="RedirectedPace"/> (at once when the state or a chunk changes, else every 2 s).
    /// </summary>
    private sealed class WatchView(IConsoleOutput console)
    {
        private readonly BlockDisplay _display = new(console);
        private readonly RedirectedPace _pace = new();
        private string[] _shown = [];

        public void Show(JobResponse job)
        {
            if (console.IsOutputTerminal || _pace.Due(JobFormatter.WatchSubject(job)))
            {
                _display.Update(_shown = JobFormatter.WatchLines(job, console.IsOutputTerminal, width: console.IsOutputTerminal ? console.Width : null).ToArray());
            }
        }

        /// <summary>The last known state stays on screen, with the reason it is not moving under it.</summary>
        public void Unreachable(string warning) => _display.Update([.. _shown, warning]);
    }

    /// <summary>
    /// Polls until the job is final, showing each change on one progress line (when asked); an attached `job submit`
    /// shows the same as `job watch` instead.
    /// </summary>
    private static async Task<JobResponse> FollowAsync(
        SeedClient client, string id, PbmContext context, bool showProgress, CancellationToken ct, bool asWatch = false)
    {
        if (showProgress && asWatch)
        {
            var view = new WatchView(context.Console);
            return await PollAsync(client, id, context, view.Show, ct, (silent, reason) => view.Unreachable(JobPoller.UnreachableLine(silent, reason)))
                .ConfigureAwait(false);
        }

        var display = new ProgressDisplay(context.Console);
        var last = "";
        try
        {
            return await PollAsync(client, id, context, job =>
            {
                if (showProgress)
                {
                    display.Update(last = JobFormatter.ProgressLine(job));
                }
            }, ct, (silent, reason) =>
            {
                if (showProgress)
                {
                    display.Update((last.Length > 0 ? last + JobFormatter.Separator : "") + JobPoller.UnreachableLine(silent, reason));
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            display.Finish();
        }
    }

    /// <summary>Polls until the job is final; on Ctrl+C says the job goes on without us.</summary>
    private static async Task<JobResponse> PollAsync(
        SeedClient client, string id, PbmContext context, Action<JobResponse> onUpdate, CancellationToken ct, Action<TimeSpan, string>? onUnreachable = null)
    {
        try
        {
            return await JobPoller.WaitUntilFinalAsync(client, id, context, onUpdate, ct, onUnreachable).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new PbmException(
                $"interrupted; job {id} goes on at the seed (stop it with: flock pbm job cancel {id})", PbmExitCodes.Interrupted);
        }
    }

    /// <summary>The job's live playlist URL, or null when it is not published live (or the job is already gone).</summary>
    private static async Task<Uri?> LiveUrlAsync(SeedClient client, string id, CancellationToken ct)
    {
        try
        {
            return (await client.GetJobAsync(id, ct).ConfigureAwait(false)).LivePlaylist is { } playlist ? client.LiveUrl(playlist) : null;
        }
        catch (PbmException)
        {
            return null;
        }
    }

    /// <summary>`job wait` and `job watch` end with: 0 completed, 2 cancelled, 1 failed.</summary>
    private static int ExitCodeOf(JobResponse job) => job.State switch
    {
        JobStates.Completed => PbmExitCodes.Success,
        JobStates.Cancelled => PbmExitCodes.Cancelled,
        _ => PbmExitCodes.Failure,
    };

    private static void EnsureOutputDirectory(string outPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new PbmException("output directory not found: " + directory);
        }
    }

    private static string Wrote(string path, long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"wrote {path} ({bytes} bytes)");

    private static Argument<string> IdArgument() => new("ID") { Description = "Job id." };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print the seed's JSON instead of text." };
}
