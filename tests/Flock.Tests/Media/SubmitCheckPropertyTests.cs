using Flock.Media.Probing;
using Flock.Seed.Api;
using Flock.Seed.Planning;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>
/// A valid source is never refused, and never at random: the submit checks run many times over sources that decode
/// from their start without one error line, including those whose keyframes are bad entry points (the old end check
/// decoded keyframes only from a seek and refused such a file in two runs of four).
/// </summary>
public sealed class SubmitCheckPropertyTests
{
    public static TheoryData<string> ValidSources => new()
    {
        nameof(TestClips.ConstantFrameRateMp4), nameof(TestClips.OpenGopHevcMp4), nameof(TestClips.SingleKeyframeMkv),
        nameof(TestClips.AviWithPackedBFrames), nameof(TestClips.AudioLongerThanVideoMp4),
        nameof(BadEntryClips.LyingRecoveryPointsMp4), nameof(BadEntryClips.IntraRefreshMp4),
    };

    private static Task<string> Clip(string name) =>
        (Task<string>)(typeof(TestClips).GetMethod(name) ?? typeof(BadEntryClips).GetMethod(name)!).Invoke(null, null)!;

    [Theory]
    [MemberData(nameof(ValidSources))]
    public async Task A_source_that_decodes_cleanly_from_its_start_should_never_be_refused(string clip)
    {
        var source = await Clip(clip);
        var clean = await FfmpegTool.FfmpegAsync(["-v", "error", "-i", source, "-f", "null", "-"]);
        Assert.True(clean.StandardError.Trim().Length == 0, $"not a valid source for this test: {clean.StandardError}");
        var info = await MediaProbe.ProbeAsync(source, CancellationToken.None);

        for (var run = 0; run < 12; run++)
        {
            await SourceChecks.CheckEndAsync(source, info.MainVideo!, info, CancellationToken.None);
            await SubmissionValidator.ValidateAsync(source, "out.mp4", ["-c:v", "libx264"], 1, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_source_that_lost_its_end_should_be_refused_with_ffmpegs_reason_once()
    {
        var source = await TestClips.TruncatedEndMp4();
        var info = await MediaProbe.ProbeAsync(source, CancellationToken.None);

        var e = await Assert.ThrowsAsync<Flock.Media.Processes.MediaException>(() => SourceChecks.CheckEndAsync(source, info.MainVideo!, info, CancellationToken.None));

        Assert.StartsWith("input is damaged or truncated: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetFileName(source), e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
