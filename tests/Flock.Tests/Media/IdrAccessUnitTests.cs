using Flock.Media.Probing;
using Flock.Media.Verification;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>
/// Which key-flagged frames are true IDR frames, read from the packets' own bytes in files made here: the seed skips
/// its reference decode only at those, so every kind of keyframe that is not an IDR (open-GOP I-frames, HEVC CRA,
/// intra-refresh and lying recovery points) must read as not one, in every container Flock reads positions from.
/// </summary>
public sealed class IdrAccessUnitTests
{
    private static async Task<bool[]> KeyframesReadAsIdrAsync(string path)
    {
        var info = await MediaProbe.ProbeAsync(path, CancellationToken.None);
        var timeline = await TimelineReader.ReadAsync(path, info, CancellationToken.None);
        Assert.True(timeline.KeyframePts.Length >= 3, $"{path}: {timeline.KeyframePts.Length} keyframes");
        var verdicts = new List<bool>();
        foreach (var pts in timeline.KeyframePts)
            verdicts.Add(await IdrAccessUnit.IsIdrFrameAsync(path, info.MainVideo!.CodecName, timeline, pts, CancellationToken.None));
        return verdicts.ToArray();
    }

    private static async Task<string> EncodeAsync(ScratchDirectory scratch, string name, params string[] codec)
    {
        var path = scratch.File(name);
        await FfmpegTool.FfmpegAsync(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4",
            .. codec, "-pix_fmt", "yuv420p", path]);
        return path;
    }

    [Theory]
    [InlineData("closed-gop.mp4")]
    [InlineData("closed-gop.mkv")]
    public async Task Every_keyframe_of_a_closed_GOP_x264_stream_should_read_as_an_IDR_frame(string name)
    {
        using var scratch = ScratchDirectory.Create("flock-idr");
        var path = await EncodeAsync(scratch, name, "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "2", "-sc_threshold", "0");

        Assert.All(await KeyframesReadAsIdrAsync(path), Assert.True);
    }

    [Theory]
    [InlineData("open-gop.mp4", "libx264", "-x264-params", "keyint=25:min-keyint=25:scenecut=0:open-gop=1:bframes=3")]
    [InlineData("intra-refresh.mp4", "libx264", "-x264-params", "keyint=25:scenecut=0:intra-refresh=1")]
    [InlineData("cra.mp4", "libx265", "-x265-params", "keyint=25:min-keyint=25:scenecut=0:log-level=error")]
    [InlineData("cra.mkv", "libx265", "-x265-params", "keyint=25:min-keyint=25:scenecut=0:log-level=error")]
    public async Task Keyframes_that_are_not_IDR_frames_should_not_read_as_one(string name, string encoder, string paramsFlag, string parameters)
    {
        using var scratch = ScratchDirectory.Create("flock-idr");
        var path = await EncodeAsync(scratch, name, "-c:v", encoder, "-preset", "ultrafast", paramsFlag, parameters);

        var idr = await KeyframesReadAsIdrAsync(path);

        Assert.True(idr[0], "the first frame of the stream is an IDR frame");
        Assert.All(idr.Skip(1), Assert.False);
    }

    [Fact]
    public async Task Every_keyframe_of_a_closed_GOP_x265_stream_should_read_as_an_IDR_frame()
    {
        using var scratch = ScratchDirectory.Create("flock-idr");
        var path = await EncodeAsync(scratch, "closed-gop-hevc.mp4", "-c:v", "libx265", "-preset", "ultrafast",
            "-x265-params", "keyint=25:min-keyint=25:scenecut=0:no-open-gop=1:log-level=error");

        Assert.All(await KeyframesReadAsIdrAsync(path), Assert.True);
    }

    [Fact]
    public async Task Lying_recovery_points_should_not_read_as_IDR_frames_and_the_real_ones_should()
    {
        var path = await BadEntryClips.LyingRecoveryPointsMp4();

        // Keyframes at 0, 1.6 (lying P-frame), 4 (IDR) and 5.2 s (lying P-frame).
        var idr = await KeyframesReadAsIdrAsync(path);
        Assert.Equal(new[] { true, false, true, false }, idr);
    }

    [Fact]
    public void Bytes_that_only_look_like_a_frame_by_a_short_length_chain_should_not_read_as_an_IDR_frame()
    {
        // An IDR slice NAL behind 1-byte lengths: a layout muxers do not write, and one container bytes can fake.
        byte[] oneByteLengths = [3, 0x65, 0x88, 0x80, 2, 0x65, 0x10];
        byte[] fourByteLengths = [0, 0, 0, 3, 0x65, 0x88, 0x80, 0, 0, 0, 2, 0x65, 0x10];
        byte[] nonIdrSlice = [0, 0, 0, 3, 0x41, 0x9a, 0x00];

        Assert.False(IdrAccessUnit.IsIdr(oneByteLengths, oneByteLengths.Length, "h264"));
        Assert.True(IdrAccessUnit.IsIdr(fourByteLengths, fourByteLengths.Length, "h264"));
        Assert.False(IdrAccessUnit.IsIdr(nonIdrSlice, nonIdrSlice.Length, "h264"));
        Assert.False(IdrAccessUnit.IsIdr(fourByteLengths, fourByteLengths.Length, "vp9"));
    }
}
