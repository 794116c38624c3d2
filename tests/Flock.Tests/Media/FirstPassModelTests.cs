using System.Globalization;
using Flock.Media.Encoding;
using Flock.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Flock.Tests.Media;

/// <summary>
/// How a two-pass job's bits are shared among its chunks, against how one machine's x264 second pass shared them
/// among the same spans of the file: each chunk's own constant-quality first pass read as x264 reads its statistics
/// (<see cref="FirstPassModel"/>), and the same first passes read as plain bit counts.
/// </summary>
public sealed class FirstPassModelTests(ITestOutputHelper output)
{
    private const double Fps = 25, ChunkSeconds = 6;

    [Fact]
    public async Task Shares_at_one_rate_factor_should_follow_one_machines_second_pass_closer_than_proportional_shares()
    {
        using var scratch = ScratchDirectory.Create("flock-first-pass-model");
        // 24 s, calm and noisy by turns across chunk boundaries, at a target well below what a CRF 23 encode spends.
        var source = await NoisySourceAsync(scratch, 24, "between(mod(t,16),8,16)");
        string[] rate = ["-c:v", "libx264", "-preset", "fast", "-b:v", "250k", "-threads", "1"];
        var stats = scratch.File("one-machine");
        await FfmpegTool.FfmpegAsync(["-y", "-v", "error", "-i", source, .. rate, "-pass", "1", "-passlogfile", stats, "-f", "null", "-"]);
        var reference = scratch.File("one-machine.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-v", "error", "-i", source, .. rate, "-pass", "2", "-passlogfile", stats, reference]);
        var oneMachine = await BitsPerChunkAsync(reference, 4);

        var models = new List<FirstPassModel>();
        var weights = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            // The node's first pass: its chunk alone, at the constant quality every chunk's first pass runs at.
            var chunkStats = scratch.File($"chunk{i}");
            await FfmpegTool.FfmpegAsync(["-y", "-v", "error", "-ss", (i * ChunkSeconds).ToString(CultureInfo.InvariantCulture), "-t", ChunkSeconds.ToString(CultureInfo.InvariantCulture),
                "-i", source, .. FirstPassStats.ConstantQuality(rate), "-pass", "1", "-passlogfile", chunkStats, "-f", "null", "-"]);
            var text = await File.ReadAllTextAsync(chunkStats + "-0.log");
            models.Add(FirstPassModel.FromX264(text)!);
            weights.Add(FirstPassStats.X264Bits(text)!.Value);
        }
        var total = oneMachine.Sum();
        var rateFactor = FirstPassModel.RateFactorFor(models, total);
        var modelled = models.Select(m => m.BitsAt(rateFactor)).ToList();
        var proportional = weights.Select(w => total * w / weights.Sum()).ToList();

        double Worst(List<double> predicted) => predicted.Select((p, i) => Math.Abs(p / oneMachine[i] - 1)).Max();
        string Kbps(IEnumerable<double> bits) => string.Join(" ", bits.Select(b => (b / ChunkSeconds / 1000).ToString("0", CultureInfo.InvariantCulture)));
        var report = $"kb/s per chunk: one machine {Kbps(oneMachine)}; one rate factor {Kbps(modelled)} (worst {Worst(modelled):P1}); "
            + $"proportional {Kbps(proportional)} (worst {Worst(proportional):P1})";
        output.WriteLine(report);
        Assert.True(Worst(modelled) < Worst(proportional), report);
        // Measured: 11.1 % worst (16.3 % proportional); x264's lookahead and MB-tree across the chunk edges are the rest.
        Assert.True(Worst(modelled) <= 0.13, report);
    }

    [Fact]
    public async Task A_first_pass_should_say_which_crf_runs_at_the_quantisers_of_a_second_pass_at_another_rate()
    {
        using var scratch = ScratchDirectory.Create("flock-first-pass-crf");
        var source = await NoisySourceAsync(scratch, 6, "gte(t,3)");
        async Task<string> FirstPassAsync(string crf)
        {
            var stats = scratch.File($"crf{crf}");
            await FfmpegTool.FfmpegAsync(["-y", "-v", "error", "-i", source, "-c:v", "libx264", "-preset", "fast", "-threads", "1", "-crf", crf,
                "-pass", "1", "-passlogfile", stats, "-f", "null", "-"]);
            return await File.ReadAllTextAsync(stats + "-0.log");
        }
        var at23 = FirstPassModel.FromX264(await FirstPassAsync("23"))!;
        var at33Text = await FirstPassAsync("33");
        var at33 = FirstPassModel.FromX264(at33Text)!;
        var spentAt33 = FirstPassStats.X264Bits(at33Text)!.Value;

        Assert.Equal(23, at23.Crf);
        Assert.Equal(33, at33.Crf);
        // Asked to spend what CRF 33 spent, the CRF 23 statistics put the second pass about ten QP up: near CRF 33.
        var crf = at23.CrfAt(FirstPassModel.RateFactorFor([at23], spentAt33))!.Value;
        output.WriteLine($"CRF 23 statistics asked for CRF 33's {spentAt33 / 6000:0} kb/s: second pass at CRF {crf:0.0}");
        Assert.InRange(crf, 30, 36);
        // Asked to spend what it spent itself, a first pass's quantisers stay where they were.
        Assert.InRange(at33.QpShiftAt(FirstPassModel.RateFactorFor([at33], spentAt33))!.Value, -1, 1);
    }

    /// <summary><paramref name="seconds"/> of 320x180 with noise where <paramref name="noisy"/> (an ffmpeg expression of t) holds.</summary>
    private static async Task<string> NoisySourceAsync(ScratchDirectory scratch, int seconds, string noisy)
    {
        var source = scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-v", "error", "-f", "lavfi", "-i", $"testsrc2=s=320x180:r=25:d={seconds}",
            "-vf", $"noise=alls=8:allf=t:enable='{noisy}'", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20", "-g", "50", source]);
        return source;
    }

    private static async Task<List<double>> BitsPerChunkAsync(string file, int chunks)
    {
        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,size", "-of", "csv=p=0", file]);
        var bits = new double[chunks];
        foreach (var line in probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(',');
            var chunk = Math.Min(chunks - 1, (int)(double.Parse(f[0], CultureInfo.InvariantCulture) * Fps + 0.5) / (int)(ChunkSeconds * Fps));
            bits[chunk] += 8.0 * long.Parse(f[1], CultureInfo.InvariantCulture);
        }
        return [.. bits];
    }
}
