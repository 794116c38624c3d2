using System.Globalization;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>
/// The crafted sources really are what they stand for: valid from their start, but a seek to some key-flagged frame
/// gives other pictures (or fewer of them) than a decode from the start, with timestamps that look right. Without
/// this, a test that encodes them could pass for the wrong reason.
/// </summary>
public sealed class BadEntryClipTests
{
    private static async Task<List<(long Pts, string Hash)>> FramesAsync(string source, double? seek)
    {
        string[] seekArgs = seek is { } s ? ["-ss", s.ToString("0.000", CultureInfo.InvariantCulture)] : [];
        var r = await FfmpegTool.FfmpegAsync(["-v", "error", "-copyts", "-noaccurate_seek", .. seekArgs, "-i", source, "-map", "0:v", "-f", "framemd5", "-"]);
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(',', StringSplitOptions.TrimEntries))
            .Select(f => (long.Parse(f[2], CultureInfo.InvariantCulture), f[5]))
            .ToList();
    }

    private static async Task AssertDecodesCleanlyFromTheStartAsync(string source)
    {
        var r = await FfmpegTool.FfmpegAsync(["-v", "error", "-i", source, "-f", "null", "-"]);
        Assert.True(r.StandardError.Trim().Length == 0, r.StandardError);
    }

    [Fact]
    public async Task A_lying_recovery_point_should_decode_to_other_pictures_with_the_same_timestamps_and_no_error()
    {
        var source = await BadEntryClips.LyingRecoveryPointsMp4();
        await AssertDecodesCleanlyFromTheStartAsync(source);
        var whole = await FramesAsync(source, null);
        // The frame at 1.6 s is flagged key; ffmpeg lands on it for a seek to 1.61 s.
        var seek = await FfmpegTool.FfmpegAsync(["-v", "error", "-copyts", "-noaccurate_seek", "-ss", "1.61", "-i", source, "-map", "0:v", "-f", "framemd5", "-"]);
        Assert.True(seek.StandardError.Trim().Length == 0, "the garbage must be silent: " + seek.StandardError);
        var fromKey = await FramesAsync(source, 1.61);

        var fromStart = whole.SkipWhile(f => f.Pts < fromKey[0].Pts).ToList();
        Assert.Equal(fromStart.Select(f => f.Pts), fromKey.Select(f => f.Pts));
        Assert.NotEqual(fromStart[0].Hash, fromKey[0].Hash);
        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", "v", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", source]);
        // The frame at 1.6 s, where the seek's decode began, is flagged key.
        Assert.Contains("1.600000,K", probe.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(whole[40].Pts, fromKey[0].Pts);
    }

    [Fact]
    public async Task An_intra_refresh_keyframe_should_decode_to_fewer_frames_than_the_start_gives()
    {
        var source = await BadEntryClips.IntraRefreshMp4();
        await AssertDecodesCleanlyFromTheStartAsync(source);
        var whole = await FramesAsync(source, null);
        var fromKey = await FramesAsync(source, 2.01);

        Assert.True(fromKey[0].Pts > whole[50].Pts, "decoding from the keyframe at 2 s should drop the frames before its picture is complete");
    }

    [Fact]
    public async Task The_damaged_packet_should_make_a_strict_decode_fail()
    {
        var source = await BadEntryClips.DamagedPacketMp4();
        // One decoder thread: with frame threads, ffmpeg flags the concealed frame as corrupt in some runs only.
        var strict = await FfmpegTool.TryFfmpegAsync(["-v", "error", "-xerror", "-threads", "1", "-i", source, "-f", "null", "-"]);

        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains("corrupt decoded frame", strict.StandardError, StringComparison.Ordinal);
    }
}
