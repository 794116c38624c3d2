using System.Globalization;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// `-pass 2` with a bitrate target: each chunk's node runs the first pass over its chunk and then the second, the
/// seed shares the target by what each chunk's first pass spent and holds the file to it. Compared with one machine's two-pass of the same file.
/// </summary>
public sealed class TwoPassTests
{
    [Fact]
    public async Task Two_pass_should_land_within_two_percent_of_its_target_and_lose_at_most_a_tenth_of_a_db_to_one_machine()
    {
        using var scratch = ScratchDirectory.Create("flock-two-pass");
        var source = scratch.File("source.mp4");
        // 24 s in 8 s chunks, calm and noisy in turn, so the allocation matters.
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=24", "-f", "lavfi", "-i", "sine=d=24",
            "-vf", "noise=alls=4:allf=t:enable='between(mod(t,12),6,12)'", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20", "-g", "50",
            "-c:a", "aac", "-shortest", source]);
        string[] rate = ["-c:v", "libx264", "-preset", "fast", "-b:v", "400k"];

        var output = scratch.File("flock.mp4");
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "8", "--", .. rate, "-pass", "2"]);
        Assert.True(run.ExitCode == 0, run.Stderr);

        // One machine's careful two-pass of the same file and rate.
        var stats = scratch.File("one-machine");
        var firstPass = scratch.File("first-pass.mp4");
        await ReferenceEncode.EncodeAsync(source, firstPass, [.. rate, "-pass", "1", "-passlogfile", stats]);
        var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference.mp4"), [.. rate, "-pass", "2", "-passlogfile", stats]);
        await MediaComparer.AssertEquivalentAsync(reference, output);

        var flockRate = await VideoRateAsync(output);
        Assert.True(Math.Abs(flockRate / 400_000 - 1) <= 0.02, $"Flock's two-pass averages {flockRate / 1000:0.0} kb/s for a 400 kb/s target");
        var flockPsnr = (await MediaComparer.ReadFramePsnrAsync(source, output)).Average();
        var onePsnr = (await MediaComparer.ReadFramePsnrAsync(source, reference)).Average();
        Assert.True(flockPsnr >= onePsnr - 0.1,
            $"Flock's two-pass: {flockPsnr:0.000} dB mean PSNR at {flockRate / 1000:0.0} kb/s; one machine's: {onePsnr:0.000} dB at {await VideoRateAsync(reference) / 1000:0.0} kb/s");
    }

    [Fact]
    public async Task Each_chunks_second_pass_should_be_asked_for_the_share_its_first_pass_measured()
    {
        using var scratch = ScratchDirectory.Create("flock-two-pass-shares");
        // 12 s: the first 8 s calm, the last 4 s noisy; 4 s chunks.
        var source = await CalmThenNoisyAsync(scratch);
        var run = await FlockProcess.RunAsync(["encode", source, scratch.File("out.mp4"), "--nodes", "2", "--chunk-seconds", "4", "--",
            "-c:v", "libx264", "-preset", "fast", "-b:v", "300k", "-pass", "2"], env: new Dictionary<string, string> { ["FLOCK_VERBOSE"] = "1" });
        Assert.True(run.ExitCode == 0, run.Stderr);

        var asked = System.Text.RegularExpressions.Regex.Matches(run.Stderr, @"chunk (\d+): second pass asked for (\d+) kb/s from its first pass")
            .ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        var chunks = int.Parse(System.Text.RegularExpressions.Regex.Match(run.Stdout + run.Stderr, @"frames in (\d+) chunks").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(Enumerable.Range(0, chunks), asked.Keys.Order());
        // The first chunk is calm, the last noisy.
        Assert.True(asked[chunks - 1] > 1.5 * asked[0], string.Join(", ", asked.Select(a => $"chunk {a.Key}: {a.Value} kb/s")));
    }

    [Fact]
    public async Task A_first_pass_far_from_the_targets_quantisers_should_run_again_nearer_them_and_the_file_stay_exact()
    {
        using var scratch = ScratchDirectory.Create("flock-two-pass-again");
        var source = await CalmThenNoisyAsync(scratch);
        // 80 kb/s on 320x180 is about ten QP above what CRF 23 spends here.
        string[] rate = ["-c:v", "libx264", "-preset", "fast", "-b:v", "80k"];
        var output = scratch.File("flock.mp4");
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "4", "--", .. rate, "-pass", "2"],
            env: new Dictionary<string, string> { ["FLOCK_VERBOSE"] = "1" });
        Assert.True(run.ExitCode == 0, run.Stderr);

        var again = System.Text.RegularExpressions.Regex.Matches(run.Stderr, @"chunk (\d+) attempt \d+: first pass runs again at CRF ([0-9.]+)")
            .Select(m => (Chunk: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Crf: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.True(again.Count > 0, run.Stderr);
        Assert.All(again, a => Assert.InRange(a.Crf, 28, 45));
        // Each chunk ran its first pass again at most once, and every chunk's second pass was still asked its rate.
        Assert.Equal(again.Count, again.Select(a => a.Chunk).Distinct().Count());
        var asked = System.Text.RegularExpressions.Regex.Matches(run.Stderr, @"chunk (\d+): second pass asked for \d+ kb/s").Select(m => m.Groups[1].Value).Distinct().Count();
        var chunks = int.Parse(System.Text.RegularExpressions.Regex.Match(run.Stdout + run.Stderr, @"frames in (\d+) chunks").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(chunks, asked);

        var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference.mp4"), [.. rate]);
        await MediaComparer.AssertEquivalentAsync(reference, output);
        var flockRate = await VideoRateAsync(output);
        Assert.True(Math.Abs(flockRate / 80_000 - 1) <= 0.03, $"Flock's two-pass averages {flockRate / 1000:0.0} kb/s for an 80 kb/s target");
    }

    [Fact]
    public async Task Two_pass_with_an_encoder_that_keeps_stats_in_files_should_be_refused_with_its_reason()
    {
        var source = await TestClips.ConstantFrameRateMp4();
        using var scratch = ScratchDirectory.Create("flock-two-pass");
        var run = await FlockProcess.RunAsync(["encode", source, scratch.File("out.mp4"), "--nodes", "1", "--", "-c:v", "libx265", "-b:v", "300k", "-pass", "2"]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("-pass 2 is not allowed with libx265", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>12 s of 320x180, calm for 8 s and noisy for the last 4.</summary>
    private static async Task<string> CalmThenNoisyAsync(ScratchDirectory scratch)
    {
        var source = scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=12",
            "-vf", "noise=alls=12:allf=t:enable='gte(t,8)'", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20", "-g", "50", source]);
        return source;
    }

    private static async Task<double> VideoRateAsync(string path)
    {
        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,size", "-of", "csv=p=0", path]);
        var packets = probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(',')).Select(f => (Time: double.Parse(f[0], CultureInfo.InvariantCulture), Bytes: long.Parse(f[1], CultureInfo.InvariantCulture))).ToList();
        return packets.Sum(p => p.Bytes) * 8 / (packets.Count / 25.0);
    }
}
