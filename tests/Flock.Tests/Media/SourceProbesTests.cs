using Flock.Media.Processes;
using Flock.Seed.Planning;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>A submit's validation and both plans probe the same source within a second: once is enough, until it changes.</summary>
public sealed class SourceProbesTests
{
    [Fact]
    public async Task Source_probe_should_be_reused_until_the_file_changes()
    {
        using var scratch = ScratchDirectory.Create("flock-probes");
        var path = scratch.File("clip.mp4");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=1", "-c:v", "libx264", "-preset", "ultrafast", path]);

        var first = await SourceProbes.ProbeAsync(path, CancellationToken.None);
        var again = await SourceProbes.ProbeAsync(path, CancellationToken.None);
        Assert.Same(first, again);

        // Replaced by a longer clip under the same name: probed afresh.
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=2", "-c:v", "libx264", "-preset", "ultrafast", path]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        var changed = await SourceProbes.ProbeAsync(path, CancellationToken.None);
        Assert.NotSame(first, changed);
        Assert.Equal(2, changed.DurationSeconds, 0.1);
    }

    [Fact]
    public async Task Source_probe_of_a_missing_file_should_say_it_is_not_found()
    {
        using var scratch = ScratchDirectory.Create("flock-probes");

        var error = await Assert.ThrowsAsync<MediaException>(() => SourceProbes.ProbeAsync(scratch.File("nowhere.mp4"), CancellationToken.None));

        Assert.StartsWith("input not found", error.Message);
    }
}
