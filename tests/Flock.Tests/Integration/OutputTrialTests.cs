using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// A Matroska source's FLAC audio copied into MP4 failed the job at the join, after every chunk had been encoded.
/// The streams the join would write are tried in the output's container at planning: a refusal fails the job before
/// any chunk is encoded, saying why and what to give instead; options that fit pass.
/// </summary>
public sealed class OutputTrialTests
{
    [Fact]
    public async Task Flac_audio_copied_into_mp4_should_fail_the_job_at_planning_with_what_to_do_instead()
    {
        using var scratch = ScratchDirectory.Create("flock-trial");
        var source = await FlacSourceAsync(scratch);

        var run = await FlockProcess.RunAsync(["encode", source, scratch.File("out.mp4"), "--nodes", "2", "--chunk-seconds", "2", "--", .. ReferenceEncode.DefaultVideoOptions],
            env: new Dictionary<string, string> { ["FLOCK_VERBOSE"] = "1" });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("the output cannot hold the source's other streams as they would be written (audio 1 (flac)): flac in MP4 support is experimental; give audio options it can hold",
            run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("-strict", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("verified:", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(scratch.File("out.mp4")));
    }

    [Fact]
    public async Task A_job_that_fails_under_flock_encode_should_be_reported_in_one_error_line()
    {
        using var scratch = ScratchDirectory.Create("flock-trial-line");
        var source = await FlacSourceAsync(scratch);

        var run = await FlockProcess.RunAsync(["encode", source, scratch.File("out.mp4"), "--nodes", "1", "--chunk-seconds", "2", "--", .. ReferenceEncode.DefaultVideoOptions]);

        Assert.Equal(1, run.ExitCode);
        // The seed's own log line of the failure is left out: the command says it once, as `error:`.
        var lines = (run.Stdout + run.Stderr).Split('\n').Where(l => l.Contains("job 1 failed", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1 && lines[0].StartsWith("error: job 1 failed: the output cannot hold", StringComparison.Ordinal), string.Join("\n", lines));
    }

    [Theory]
    [InlineData("out.mp4", "alac")]
    [InlineData("out.mkv", null)]
    public async Task Flac_audio_should_reach_an_output_that_holds_it_as_asked(string name, string? audioCodec)
    {
        using var scratch = ScratchDirectory.Create("flock-trial-ok");
        var source = await FlacSourceAsync(scratch);
        var output = scratch.File(name);

        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "2", "--", .. ReferenceEncode.DefaultVideoOptions,
            .. audioCodec is null ? Array.Empty<string>() : ["-c:a", audioCodec]]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var audio = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "a", "-show_entries", "stream=codec_name", "-of", "csv=p=0", output]);
        Assert.Equal(audioCodec ?? "flac", audio.StandardOutput.Trim());
    }

    private static async Task<string> FlacSourceAsync(ScratchDirectory scratch)
    {
        var source = scratch.File("lossless.mkv");
        await FfmpegTool.FfmpegAsync(["-y", "-i", await TestClips.ConstantFrameRateMp4(), "-c:v", "copy", "-c:a", "flac", source]);
        return source;
    }
}
