using Flock.Media.Processes;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media.Processes;

/// <summary>
/// ffmpeg ends a muxer's refusal with `Error initializing output stream 0:1 --` and the reason left empty (said on an
/// earlier line): a failure that quoted only that last line told the user nothing.
/// </summary>
public sealed class FfmpegFailureReasonTests
{
    [Fact]
    public async Task A_stream_refused_by_the_muxer_should_fail_with_the_muxers_reason()
    {
        using var scratch = ScratchDirectory.Create("flock-reason");
        var flac = scratch.File("audio.mkv");
        await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "sine=d=1", "-c:a", "flac", flac]);

        var failure = await Assert.ThrowsAsync<MediaException>(() =>
            Ffmpeg.RunCheckedAsync(["-nostdin", "-hide_banner", "-v", "error", "-y", "-i", flac, "-c", "copy", "-f", "mp4", scratch.File("out.mp4")], CancellationToken.None));

        Assert.StartsWith("ffmpeg failed: Error initializing output stream 0:0: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("flac in MP4 support is experimental", failure.Message, StringComparison.Ordinal);
    }
}
