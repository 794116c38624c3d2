using System.Globalization;
using Flock.Media.Processes;
using Flock.Messages.Jobs;

namespace Flock.Cli.Hosting;

/// <summary>
/// `flock demo`: encodes a generated 60 s clip (or IN to OUT) first on one local node, then on one node per core,
/// and reports both times: the speedup over one node, measured here and now.
/// </summary>
public static class DemoRunner
{
    public static async Task<int> RunAsync(string? input, string? output, CancellationToken ct)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"flock-demo-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            if (input is null)
            {
                input = Path.Combine(temp, "demo-source.mp4");
                Console.WriteLine("generating a 60 s 640x360 test clip with audio (ffmpeg lavfi) ...");
                await Ffmpeg.RunCheckedAsync(
                    ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=30:d=60", "-f", "lavfi", "-i", "sine=f=440:d=60",
                     "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-c:a", "aac", "-shortest", input], ct);
            }
            output ??= Path.GetFullPath("flock-demo.mp4");
            var nodes = Math.Max(2, Environment.ProcessorCount);
            Console.WriteLine($"encoding {input} on 1 local node (x264 medium, crf 23) ...");
            var one = await EncodeRunner.EncodeAsync(new EncodeArguments(input, Path.Combine(temp, "one-node" + Path.GetExtension(output)), 1, 10, null, []), TextWriter.Null, ct);
            if (one.Job?.State != JobStates.Completed) { Console.Error.WriteLine($"error: demo failed on one node: {one.Job?.Error ?? "see above"}"); return 1; }
            Console.WriteLine($"encoding it again on {nodes} local nodes ...");
            var many = await EncodeRunner.EncodeAsync(new EncodeArguments(input, output, nodes, 10, null, []), Console.Out, ct);
            if (many.Job?.State != JobStates.Completed) { Console.Error.WriteLine($"error: demo failed: {many.Job?.Error ?? "see above"}"); return 1; }
            var speedup = one.Elapsed.TotalSeconds / many.Elapsed.TotalSeconds;
            Console.WriteLine();
            Console.WriteLine($"what it did: split {many.Job.TotalFrames} frames into {many.Job.Chunks.Count} chunks, encoded them on {nodes} nodes, joined and verified every frame's timestamp");
            Console.WriteLine($"output:      {output}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"time:        1 node {one.Elapsed.TotalSeconds:0.0}s, {nodes} nodes {many.Elapsed.TotalSeconds:0.0}s: speedup {speedup:0.00}x over one node (all on this machine's {Environment.ProcessorCount} cores)"));
            return 0;
        }
        catch (MediaException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        finally
        {
            try { Directory.Delete(temp, recursive: true); } catch (IOException) { }
        }
    }
}
