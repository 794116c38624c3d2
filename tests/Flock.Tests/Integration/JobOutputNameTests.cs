using System.Text.Json;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// The OUT a user typed is what `job list` and `job show` print (not the seed's internal copy), `job submit --detach`
/// may leave it out, and `job fetch ID` writes to it.
/// </summary>
public sealed class JobOutputNameTests
{
    [Fact]
    public async Task Listings_should_show_the_users_out_and_fetch_should_write_it()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("node-a");
        var source = await TestClips.ConstantFrameRateMp4();
        var typed = cluster.Scratch.File("wanted.mkv");
        string[] options = ["--", "-c:v", "libx264", "-preset", "ultrafast"];

        var named = await cluster.PbmAsync(["job", "submit", source, typed, "--detach", "--chunk-seconds", "2", .. options]);
        Assert.True(named.ExitCode == 0, named.Stderr);
        var namedId = named.Stdout.Trim();
        // No OUT: the first ffmpeg option after `--` is not taken for it.
        var unnamed = await cluster.PbmAsync(["job", "submit", source, "--detach", "--chunk-seconds", "2", .. options]);
        Assert.True(unnamed.ExitCode == 0, unnamed.Stderr);
        var unnamedId = unnamed.Stdout.Trim();

        var list = await cluster.PbmAsync("job", "list");
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains($"{namedId} | ", list.Stdout, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{namedId} \| \w+ \| 0 \| {Path.GetFileName(source)} \| {System.Text.RegularExpressions.Regex.Escape(typed)} \| ", list.Stdout);
        Assert.Matches($@"(?m)^{unnamedId} \| \w+ \| 0 \| {Path.GetFileName(source)} \| - \| ", list.Stdout);
        Assert.DoesNotContain(cluster.DataDir, list.Stdout, StringComparison.Ordinal);
        Assert.Equal("Count: 2 jobs", list.Stdout.Trim().Split('\n')[^1]);

        foreach (var id in new[] { namedId, unnamedId })
            Assert.True((await cluster.PbmAsync("job", "wait", id)).ExitCode == 0);
        var show = await cluster.PbmAsync("job", "show", namedId);
        Assert.Contains($"output: {typed}\n", show.Stdout, StringComparison.Ordinal);
        var unnamedJson = JsonDocument.Parse((await cluster.PbmAsync("job", "show", unnamedId, "--json")).Stdout).RootElement;
        Assert.Equal("-", unnamedJson.GetProperty("output").GetString());
        // A finished job says where its wall time went, every part of it known, adding up to no more than the total.
        Assert.Matches(@"(?m)^time: to first hand-out \d+\.\ds \| to first encode \d+\.\ds \| encoding \d+\.\ds \| idle \S+ \d+\.\ds.* \| total \d+\.\ds$", show.Stdout);
        var time = unnamedJson.GetProperty("timeBreakdown");
        var parts = new[] { "toFirstEncode", "encoding", "lastResultToVerified", "verifiedToAssembly", "assembly" }.Select(p => time.GetProperty(p).GetDouble()).ToList();
        Assert.All(parts, p => Assert.True(p >= 0));
        Assert.True(parts.Sum() <= time.GetProperty("total").GetDouble() + 0.05, time.ToString());

        var fetched = await cluster.PbmAsync("job", "fetch", namedId);
        Assert.True(fetched.ExitCode == 0, fetched.Stderr);
        var format = await FfmpegTool.FfprobeAsync(["-v", "error", "-show_entries", "format=format_name", "-of", "default=nw=1:nk=1", typed]);
        Assert.Contains("matroska", format.StandardOutput, StringComparison.Ordinal);

        var nowhere = await cluster.PbmAsync("job", "fetch", unnamedId);
        Assert.NotEqual(0, nowhere.ExitCode);
        Assert.Equal($"error: job {unnamedId} was submitted without OUT: say where to write it (job fetch {unnamedId} OUT)", nowhere.Stderr.Trim());
        var there = cluster.Scratch.File("later.mp4");
        Assert.Equal(0, (await cluster.PbmAsync("job", "fetch", unnamedId, there)).ExitCode);
        Assert.True(new FileInfo(there).Length > 0);

        var attached = await cluster.PbmAsync(["job", "submit", source, .. options]);
        Assert.Equal(2, attached.ExitCode);
        Assert.Contains("OUT is required unless --detach", attached.Stderr, StringComparison.Ordinal);
    }
}
