using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// `-b:v` is a promise about the whole file. Chunks each asked for the same number missed it (x264 one-pass on 2 s
/// chunks asked for 500k gave a 467k file) and spent as much on calm scenes as on busy ones.
/// </summary>
public sealed partial class BitrateTargetTests
{
    [Fact]
    public async Task A_bitrate_target_should_hold_for_the_whole_file_and_busy_chunks_should_be_asked_for_more_of_it()
    {
        using var scratch = ScratchDirectory.Create("flock-bitrate");
        // Coded at constant quality, so the source's own packet sizes say where the work is. (Noise much heavier than
        // this cannot be held to 500k at all: one machine made 614k.)
        var source = await CalmThenNoisyClipAsync(scratch);
        string[] options = ["-c:v", "libx264", "-preset", "fast", "-b:v", "500k"];

        var output = scratch.File("flock.mp4");
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "2", "--", .. options],
            env: new Dictionary<string, string> { ["FLOCK_VERBOSE"] = "1" });
        Assert.True(run.ExitCode == 0, run.Stderr);

        var packets = await VideoPacketsAsync(output);
        var rate = packets.Sum(p => p.Bytes) * 8 / (packets.Count / 25.0);
        Assert.True(Math.Abs(rate / 500_000 - 1) <= 0.03, $"the file averages {rate / 1000:0.0} kb/s for a 500 kb/s target\n{run.Stderr}");
        var asked = AskedRates().Matches(run.Stderr).ToDictionary(m => int.Parse(m.Groups["chunk"].Value, CultureInfo.InvariantCulture),
            m => int.Parse(m.Groups["share"].Value, CultureInfo.InvariantCulture));
        Assert.True(asked.Count >= 4, $"the seed should say what it asked each chunk for:\n{run.Stderr}");
        Assert.True(asked.Where(a => a.Key >= 3).Min(a => a.Value) > asked.Where(a => a.Key < 3).Max(a => a.Value),
            $"the noisy chunks (3-5) should have bigger shares than the calm ones: {string.Join(", ", asked.Select(a => $"{a.Key}: {a.Value}"))}");
        // Steering the rate moves no frame and changes no picture beyond what the rate itself does.
        var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference.mp4"), options);
        await MediaComparer.AssertEquivalentAsync(reference, output);
        await MediaComparer.AssertFramePsnrAtLeastAsync(reference, output, 25);
    }

    [Fact]
    public async Task A_seed_killed_mid_job_should_ask_each_chunk_again_for_the_rate_it_asked_before_and_hold_the_file_to_its_target()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        // Paced to the clip's own speed, so the kill finds chunks verified and chunks still out on any machine.
        var first = await cluster.StartNodeAsync("rate-a", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await cluster.PacedFfmpegAsync() });
        var source = await CalmThenNoisyClipAsync(cluster.Scratch);
        var output = cluster.Scratch.File("out.mp4");
        var id = await cluster.SubmitDetachedAsync(source, output, 2, "-c:v", "libx264", "-preset", "fast", "-b:v", "500k");
        static IEnumerable<JsonElement> Chunks(JsonElement job) => job.GetProperty("chunks").EnumerateArray();
        static bool Asked(JsonElement c) => c.TryGetProperty("askedBitsPerSecond", out var r) && r.ValueKind == JsonValueKind.Number;
        var before = await cluster.WaitForJobAsync(id,
            j => Chunks(j).Any(c => c.GetProperty("state").GetString() == "done") && Chunks(j).Any(c => Asked(c) && c.GetProperty("state").GetString() != "done"),
            TimeSpan.FromMinutes(2), "a chunk verified and one asked for its rate but not done");
        // The node first, so that nothing it finished reaches the seed; then the seed, as a machine losing power.
        first.KillHard();
        seed.KillHard();
        var out_ = Chunks(before).Where(c => Asked(c) && c.GetProperty("state").GetString() != "done")
            .ToDictionary(c => c.GetProperty("index").GetInt32(), c => c.GetProperty("askedBitsPerSecond").GetInt64());

        var restarted = await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("rate-b");
        var done = await cluster.WaitForJobAsync(id, j => j.GetProperty("state").GetString() is "completed" or "failed", TimeSpan.FromMinutes(4), "the job to end after the restart");

        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        foreach (var (index, rate) in out_)
        {
            var chunk = Chunks(done).Single(c => c.GetProperty("index").GetInt32() == index);
            // Encoded again, by the new node, at the rate the chunk was asked for before the seed died.
            Assert.Equal("rate-b", chunk.GetProperty("node").GetString());
            Assert.True(Asked(chunk) && chunk.GetProperty("askedBitsPerSecond").GetInt64() == rate,
                $"chunk {index} was asked for {rate} b/s before the restart and {chunk} after\n{restarted.Output}");
        }
        Assert.Contains("the file's bits shared as journalled", restarted.Output, StringComparison.Ordinal);
        var fetch = await cluster.PbmAsync("job", "fetch", id, output);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        var packets = await VideoPacketsAsync(output);
        var fileRate = packets.Sum(p => p.Bytes) * 8 / (packets.Count / 25.0);
        Assert.True(Math.Abs(fileRate / 500_000 - 1) <= 0.03, $"the file averages {fileRate / 1000:0.0} kb/s for a 500 kb/s target\n{restarted.Output}");
    }

    /// <summary>12 s: calm for 6 s, then the same picture under noise, coded at constant quality, with audio.</summary>
    private static async Task<string> CalmThenNoisyClipAsync(ScratchDirectory scratch)
    {
        var source = scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=12", "-f", "lavfi", "-i", "sine=d=12",
            "-vf", "noise=alls=4:allf=t:enable='gte(t,6)'", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20", "-g", "50", "-c:a", "aac", "-shortest", source]);
        return source;
    }

    [GeneratedRegex(@"chunk (?<chunk>\d+): asked for \d+ kb/s \(complexity share (?<share>\d+) kb/s")]
    private static partial Regex AskedRates();

    private static async Task<List<(double Seconds, long Bytes)>> VideoPacketsAsync(string path)
    {
        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,size", "-of", "csv=p=0", path]);
        return probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(','))
            .Select(f => (double.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture)))
            .ToList();
    }
}
