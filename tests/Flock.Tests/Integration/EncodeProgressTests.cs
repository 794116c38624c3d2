using System.Globalization;
using System.Text.RegularExpressions;
using Flock.Media.Storage;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>`flock encode` with its progress redirected: the seed's summary line, one line per update, never redrawn.</summary>
public sealed partial class EncodeProgressTests
{
    [GeneratedRegex(@"^(?<id>\S+) (?<state>[a-z]+) \[[#-]{10}\] (?<progress>.+?) \| now (?<now>-|\d+\.\d fps), avg (?<avg>-|\d+\.\d fps) \| elapsed (?<elapsed>\d+s|\d+m\d\ds|\d+h\d\dm) \| eta (?<eta>-|\d+s|\d+m\d\ds|\d+h\d\dm) \| size (?<size>.+)$")]
    private static partial Regex SummaryLine();

    private static double Seconds(string duration)
    {
        var m = Regex.Match(duration, @"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$");
        int[] unit = [3600, 60, 1];
        return Enumerable.Range(1, 3).Sum(i => m.Groups[i].Success ? int.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) * unit[i - 1] : 0);
    }

    [Fact]
    public async Task Redirected_encode_should_print_summary_lines_with_elapsed_fps_and_a_size_that_ends_as_the_output_file()
    {
        using var scratch = ScratchDirectory.Create("flock-encode-progress");
        // Long enough for a rate to be known while it runs: the 12 s clip took 3 s in a full run, and its only encoding
        // line came before a second of frames had been counted.
        var source = await ClusterTests.BusyClipAsync(scratch, seconds: 36);
        var output = scratch.File("out.mp4");

        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "2", "--", .. ClusterTests.Options]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        // Redirected: plain lines, no carriage returns or cursor moves.
        Assert.DoesNotContain('\r', run.Stderr);
        Assert.DoesNotContain('\u001b', run.Stderr);
        var lines = run.Stderr.Split('\n').Select(l => SummaryLine().Match(l)).Where(m => m.Success).ToList();
        var encoding = lines.Where(m => m.Groups["state"].Value == "encoding").ToList();
        Assert.True(encoding.Count > 0, run.Stderr);
        Assert.Contains(encoding, m => m.Groups["now"].Value != "-" && m.Groups["avg"].Value != "-");

        // One line per state change, otherwise one per 2 s at most: never a line per poll.
        var final = lines[^1];
        Assert.Equal("completed", final.Groups["state"].Value);
        var elapsed = Seconds(final.Groups["elapsed"].Value);
        Assert.True(encoding.Count <= elapsed / 2 + 2, $"{encoding.Count} encoding lines in {elapsed}s:\n{run.Stderr}");

        // The size once completed is the file written; before, the verified chunks' so far of an expected total.
        Assert.Equal(DiskSpace.Format(new FileInfo(output).Length), final.Groups["size"].Value);
        Assert.All(encoding.Select(m => m.Groups["size"].Value).Where(s => s != "-"),
            s => Assert.Matches(@"^\d+(\.\d)? [KMG]iB of ~\d+(\.\d)? [KMG]iB$", s));
    }
}
