using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Flock.Cli.Pbm.Output;
using Flock.Media.Processes;
using Flock.Messages;
using Flock.Messages.Jobs;

namespace Flock.Cli.Hosting;

/// <summary>`flock encode`: one job on an embedded cluster; exit 0 only for a verified output.</summary>
public static class EncodeRunner
{
    public static async Task<int> RunAsync(EncodeArguments args, CancellationToken ct)
    {
        var result = await EncodeAsync(args, SystemConsoleOutput.StandardError, ct);
        return result.Job?.State == JobStates.Completed ? 0 : 1;
    }

    public sealed record EncodeResult(JobResponse? Job, TimeSpan Elapsed, int Nodes);

    /// <param name="console">Where progress and the result go (its <c>Out</c>): standard error for `flock encode`.</param>
    public static async Task<EncodeResult> EncodeAsync(EncodeArguments args, IConsoleOutput console, CancellationToken ct)
    {
        var progress = console.Out;
        var input = Path.GetFullPath(args.Input);
        var output = Path.GetFullPath(args.Output);
        if (!File.Exists(input)) return Fail(progress, $"input not found: {args.Input}");
        // Compared as real paths, so a link or `..` cannot hide it: the finished output would replace the source.
        if (File.Exists(output) && Flock.Seed.Security.MediaRoots.RealPath(output) == Flock.Seed.Security.MediaRoots.RealPath(input))
            return Fail(progress, $"output {args.Output} is the input: it would replace the source");
        var outDir = Path.GetDirectoryName(output)!;
        if (!CanWrite(outDir)) return Fail(progress, $"output directory not writable: {outDir}");
        var nodes = Math.Max(1, args.Nodes ?? Environment.ProcessorCount);
        var watch = Stopwatch.StartNew();
        using var logs = ConsoleLogging.ForCommand();
        // The source's probe and the options' try need no cluster: they run while it starts, both on the way to the first chunk.
        var validation = EmbeddedCluster.ValidateAsync(input, output, args.Options, args.ChunkSeconds, args.Hdr, ct);
        await using var cluster = await EmbeddedCluster.StartAsync(nodes, logs, ct, args.Hdr);
        string id;
        try
        {
            await validation;
            id = await cluster.SubmitValidatedAsync(input, output, args.Options, args.ChunkSeconds);
        }
        catch (MediaException e)
        {
            return Fail(progress, e.Message);
        }
        progress.WriteLine($"job {id}: {Path.GetFileName(input)} -> {output} on {Plural.Of(nodes, "local node")}");
        var line = new JobProgressLine(console);
        // Said as soon as the plan knows them (what of the source's HDR is lost, a cut-off source), not only at the end.
        var warned = new HashSet<string>(StringComparer.Ordinal);
        void Warn(JobResponse j)
        {
            foreach (var warning in j.Warnings ?? [])
            {
                if (!warned.Add(warning)) continue;
                line.Finish();
                progress.WriteLine($"warning: {warning}");
            }
        }
        JobResponse job;
        try
        {
            job = await cluster.WaitAsync(id, j => { Warn(j); line.Show(j); }, ct);
        }
        finally
        {
            line.Finish();
        }
        Warn(job);
        watch.Stop();
        if (args.ReportPath is not null)
            await File.WriteAllTextAsync(args.ReportPath, JsonSerializer.Serialize(job, WireJson.Options), ct);
        if (job.State != JobStates.Completed)
        {
            progress.WriteLine($"error: job {id} {job.State}: {job.Error}");
            return new EncodeResult(job, watch.Elapsed, nodes);
        }
        foreach (var entry in job.BadEntryPoints ?? [])
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"note: the keyframe at {entry.Seconds:0.###}s is not a clean entry point ({entry.Reason}); its chunks were decoded from an earlier one"));
        progress.WriteLine($"done: {output} ({Plural.Of(job.TotalFrames, "frame")} in {Plural.Of(job.Chunks.Count, "chunk")}, verified) in {watch.Elapsed.TotalSeconds:0.0}s");
        return new EncodeResult(job, watch.Elapsed, nodes);
    }

    private static EncodeResult Fail(TextWriter progress, string message)
    {
        progress.WriteLine($"error: {message}");
        return new EncodeResult(null, TimeSpan.Zero, 0);
    }

    private static bool CanWrite(string dir)
    {
        try
        {
            if (!Directory.Exists(dir)) return false;
            var probe = Path.Combine(dir, $".flock-write-test-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
