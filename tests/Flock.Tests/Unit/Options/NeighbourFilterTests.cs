using Flock.Media.Encoding;
using Flock.Media.Options;
using Flock.Media.Processes;
using Xunit;

namespace Flock.Tests.Unit.Options;

public sealed class NeighbourFilterTests
{
    [Theory]
    [InlineData("yadif", true)]
    [InlineData("scale=640:-2,bwdif=mode=send_frame", true)]
    [InlineData("[in]yadif@deint=0[out]", true)]
    [InlineData("scale=640:-2,crop=600:320", false)]
    [InlineData("", false)]
    public void Filters_that_look_at_neighbouring_frames_should_be_recognised(string graph, bool expected) =>
        Assert.Equal(expected, NeighbourFilters.Any(graph));

    [Theory]
    [InlineData("bwdif")]
    [InlineData("yadif=1")]
    [InlineData("yadif=mode=send_field")]
    [InlineData("scale=640:-2,yadif=send_field_nospatial:tff")]
    [InlineData("bwdif=mode=3")]
    public void Deinterlacing_to_one_frame_per_field_should_be_refused(string graph)
    {
        var e = Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-c:v", "libx264", "-vf", graph]));
        Assert.Contains("sends a frame per field", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yadif")]
    [InlineData("yadif=0")]
    [InlineData("bwdif=send_frame:tff")]
    [InlineData("bwdif=mode=send_frame")]
    public void Deinterlacing_to_one_frame_per_frame_should_be_taken(string graph) =>
        Assert.Equal(graph, EncoderOptions.Parse(["-c:v", "libx264", "-vf", graph]).VideoFilter);

    [Fact]
    public void A_neighbour_filter_should_run_before_the_trim_and_back_in_the_streams_time_base()
    {
        var spec = new ChunkEncodeSpec("in.mp4", null, 1.0, 0, 12800, 25600, 51200, ["-c:v", "libx264"], "yadif", "out.mp4") { FrameHashPath = "out.framehash", TimeBaseNumerator = 1 };
        var graph = ChunkEncodeArguments.Build(spec).SkipWhile(a => a != "-filter_complex").Skip(1).First();
        Assert.Equal("[0:0]split=2[flock_enc][flock_all];[flock_all]trim=start_pts=25600:end_pts=51200[flock_hash];[flock_enc]yadif,settb=1/12800,trim=start_pts=25600:end_pts=51200[flock_out]", graph);
    }

    [Fact]
    public void Any_other_filter_should_run_after_the_trim()
    {
        var spec = new ChunkEncodeSpec("in.mp4", null, 1.0, 0, 12800, 25600, 51200, ["-c:v", "libx264"], "scale=320:-2", "out.mp4") { FrameHashPath = "out.framehash" };
        var graph = ChunkEncodeArguments.Build(spec).SkipWhile(a => a != "-filter_complex").Skip(1).First();
        Assert.StartsWith("[0:0]trim=start_pts=25600:end_pts=51200,split=2", graph, StringComparison.Ordinal);
    }
}
