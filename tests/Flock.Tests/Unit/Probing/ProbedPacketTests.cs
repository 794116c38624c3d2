using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Probing;

/// <summary>ffprobe's `pts,flags` (and `pts,size,pos,flags`) packet lines, as the planner and the verifier both read them.</summary>
public sealed class ProbedPacketTests
{
    [Theory]
    [InlineData("1024,K__", 1024L, true)]
    [InlineData("-512,__", -512L, false)]
    [InlineData("N/A,K_", null, true)]
    public void Packet_line_should_give_its_timestamp_and_keyframe_flag(string line, long? pts, bool keyframe)
    {
        Assert.Equal(new ProbedPacket(pts, keyframe), ProbedPacket.Parse(line));
    }

    [Theory]
    [InlineData("1024,14883,306,K_", 1024L, 14883L, 306L, true)]
    [InlineData("1536,812,N/A,__", 1536L, 812L, null, false)]
    public void Packet_line_with_size_and_position_should_give_them_too(string line, long? pts, long? size, long? pos, bool keyframe)
    {
        Assert.Equal(new ProbedPacket(pts, keyframe, size, pos), ProbedPacket.Parse(line));
    }

    [Theory]
    [InlineData("133200,4575,564,K_,", 133200L, 4575L, 564L, true)] // csv=p=0: a packet with side data ends in an empty section
    [InlineData("147600,1948,5452,__,", 147600L, 1948L, 5452L, false)]
    [InlineData("133200,2835,564,K_,side_data,", 133200L, 2835L, 564L, true)] // csv=p=1, after the "packet," prefix
    public void Packet_line_with_side_data_after_its_fields_should_still_give_its_flags(string line, long? pts, long? size, long? pos, bool keyframe)
    {
        Assert.Equal(new ProbedPacket(pts, keyframe, size, pos), ProbedPacket.Parse(line));
    }

    [Fact]
    public void Packet_line_with_only_flags_and_side_data_should_still_give_its_flags()
    {
        Assert.Equal(new ProbedPacket(133200, true), ProbedPacket.Parse("133200,K_,"));
        Assert.Null(ProbedPacket.Parse("133200,_D,side_data,"));
    }

    [Theory]
    [InlineData("2048,_D")] // discarded by an edit list: never a frame
    [InlineData("2048,KD")]
    [InlineData("")]
    [InlineData(",K_")]
    [InlineData("no comma")]
    public void Discarded_packet_or_a_line_that_is_no_packet_should_give_nothing(string line)
    {
        Assert.Null(ProbedPacket.Parse(line));
    }
}
