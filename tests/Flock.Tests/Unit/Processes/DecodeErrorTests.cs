using Flock.Media.Processes;
using Flock.Media.Verification;
using Xunit;

namespace Flock.Tests.Unit.Processes;

/// <summary>Which of ffmpeg's stderr lines mean the source did not decode cleanly, and how frame hashes are read.</summary>
public sealed class DecodeErrorTests
{
    [Theory]
    [InlineData("[h264 @ 0x55d0c4a3e2c0] error while decoding MB 12 3, bytestream -5")]
    [InlineData("[h264 @ 0x55d0c4a3e2c0] top block unavailable for requested intra mode -1 at 10 4")]
    [InlineData("[h264 @ 0x55d0c4a3e2c0] concealing 240 DC, 240 AC, 240 MV errors in P frame")]
    [InlineData("[hevc @ 0x5600] Could not find ref with POC 12x")] // not the leading-picture wording: a different message
    [InlineData("Error while decoding stream #0:0: Invalid data found when processing input")]
    [InlineData("http://127.0.0.1:4053/api/jobs/1/source: corrupt decoded frame in stream 0")]
    [InlineData("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5566] stream 0, offset 0x21f19: partial file")]
    public void Decoder_and_demuxer_errors_should_count(string line) =>
        Assert.True(DecodeErrors.IsDecodeError(line, "libx264"), line);

    [Theory]
    [InlineData("[tcp @ 0x55d0c4a3e2c0] Connection to tcp://127.0.0.1:4053 failed: Connection refused", true)]
    [InlineData("[https @ 0x55d0c4a3e2c0] HTTP error 503 Service Unavailable", true)]
    // The seed cuts its answers short on purpose; ffmpeg reads on from there.
    [InlineData("[https @ 0x55d0c4a3e2c0] Stream ends prematurely at 1234, should be 5678", false)]
    [InlineData("[h264 @ 0x55d0c4a3e2c0] error while decoding MB 12 3, bytestream -5", false)]
    public void Link_errors_should_be_told_from_a_cut_answer(string line, bool transport) =>
        Assert.Equal(transport, DecodeErrors.IsTransportError(line));

    [Theory]
    [InlineData("x265 [info]: HEVC encoder version 3.5+1-f0c1022b6")]
    [InlineData("Svt[info]: SVT [version]:	SVT-AV1 Encoder Lib v1.4.1")]
    [InlineData("[libx264 @ 0x55d0c4a3e2c0] some encoder complaint")]
    [InlineData("[libx265 @ 0x55d0c4a3e2c0] some encoder complaint")]
    [InlineData("[https @ 0x55d0c4a3e2c0] Stream ends prematurely at 1234, should be 5678")]
    [InlineData("[mp4 @ 0x55d0c4a3e2c0] some muxer line")]
    [InlineData("[matroska,webm @ 0x55bb4a01a900] File ended prematurely")]
    [InlineData("[h264 @ 0x55b602fc14c0] mmco: unref short failure")]
    [InlineData("    Last message repeated 2 times")]
    [InlineData("")]
    public void Encoder_banners_transport_and_leading_picture_lines_should_not_count(string line) =>
        Assert.False(DecodeErrors.IsDecodeError(line, "libx264"), line);

    [Fact]
    public void Framemd5_output_should_be_read_as_one_hash_per_frame_in_order()
    {
        string[] lines =
        [
            "#format: frame checksums", "#version: 2", "#hash: MD5", "#tb 0: 1/25",
            "#stream#, dts,        pts, duration,     size, hash",
            "0,         40,         40,        1,   115200, 2b335dcf078e4e77a5acf5dff21eae23",
            "0,         41,         41,        1,   115200, 96e5ee2b557281a68cb52834ac711e31",
        ];

        Assert.Equal(["2b335dcf078e4e77a5acf5dff21eae23", "96e5ee2b557281a68cb52834ac711e31"], FrameHashes.Parse(lines));
    }

    [Fact]
    public void The_first_difference_should_count_a_missing_frame_as_different()
    {
        Assert.Null(FrameHashes.FirstDifference(["a", "b", "c"], ["a", "b", "c"], 3));
        Assert.Equal(1, FrameHashes.FirstDifference(["a", "x", "c"], ["a", "b", "c"], 3));
        Assert.Equal(2, FrameHashes.FirstDifference(["a", "b"], ["a", "b", "c"], 3));
        Assert.Null(FrameHashes.FirstDifference(["a", "b", "z"], ["a", "b", "c"], 2));
    }
}
