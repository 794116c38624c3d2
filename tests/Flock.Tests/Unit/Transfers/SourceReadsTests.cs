using Flock.Messages.Chunks;
using Xunit;

namespace Flock.Tests.Unit.Transfers;

/// <summary>How far the seed answers each of ffmpeg's open-ended range reads of a chunk's source.</summary>
public sealed class SourceReadsTests
{
    private const long W = SourceReads.Window;
    private const long Length = 100_000_000;
    private static readonly SourceByteSpan Span = new(MediaStart: 1_000, Start: 40_000_000, End: 60_000_000);

    [Fact]
    public void A_read_of_the_header_should_end_where_the_media_begins()
    {
        Assert.Equal(999, SourceReads.LastByte(0, null, Length, Span));
    }

    [Fact]
    public void A_read_between_the_header_and_the_chunk_should_get_one_window_and_never_run_into_the_chunk()
    {
        Assert.Equal(1_000 + W - 1, SourceReads.LastByte(1_000, null, Length, Span));
        Assert.Equal(20_000_000 + W - 1, SourceReads.LastByte(20_000_000, null, Length, Span));
        Assert.Equal(Span.Start - 1, SourceReads.LastByte(Span.Start - 10, null, Length, Span));
    }

    [Fact]
    public void A_sequential_read_of_the_chunk_should_double_its_answers_and_stop_at_the_chunks_end()
    {
        var at = Span.Start;
        var answers = new List<long>();
        while (at < Span.End)
        {
            var last = SourceReads.LastByte(at, null, Length, Span);
            answers.Add(last - at + 1);
            at = last + 1;
        }
        Assert.Equal(Span.End, at);
        Assert.Equal([W, W, 2 * W, 4 * W], answers.Take(4));
        // 20 MB in 32 KB steps would take 610 requests; doubling takes a handful.
        Assert.InRange(answers.Count, 5, 12);
    }

    [Fact]
    public void A_read_just_past_the_chunk_should_get_a_window_and_a_read_far_past_it_should_run_to_the_end()
    {
        Assert.Equal(Span.End + W - 1, SourceReads.LastByte(Span.End, null, Length, Span));
        // A trailing index (an MP4's moov after the media): answered whole.
        Assert.Equal(Length - 1, SourceReads.LastByte(99_000_000, null, Length, Span));
    }

    [Fact]
    public void A_bounded_request_should_never_be_answered_beyond_what_it_asked()
    {
        Assert.Equal(Span.Start + 99, SourceReads.LastByte(Span.Start, Span.Start + 99, Length, Span));
        Assert.Equal(500, SourceReads.LastByte(0, 500, Length, Span));
    }

    [Theory]
    [InlineData("1000", "40000000-60000000", true)]
    [InlineData("1000", "60000000-40000000", false)] // backwards
    [InlineData("50000000", "40000000-60000000", false)] // media starting inside the chunk
    [InlineData("x", "40000000-60000000", false)]
    [InlineData("1000", "40000000-", false)]
    [InlineData(null, "40000000-60000000", false)]
    [InlineData("1000", null, false)]
    public void The_query_should_give_the_span_only_when_well_formed(string? media, string? span, bool valid)
    {
        var parsed = SourceByteQuery.Parse(media, span);
        Assert.Equal(valid, parsed is not null);
        if (parsed is not null) Assert.Equal(Span, parsed);
    }

    [Fact]
    public void The_query_a_node_writes_should_parse_back_to_its_span()
    {
        var query = System.Web.HttpUtility.ParseQueryString(SourceByteQuery.Format(Span));
        Assert.Equal(Span, SourceByteQuery.Parse(query["media"], query["span"]));
    }

    [Fact]
    public void A_node_should_ask_for_its_source_with_the_chunks_span_when_the_seed_gave_one()
    {
        var assignment = new AssignChunk("7", 2, 1, "/api/jobs/7/source", 4.02, 100, 200, 0, 12800, ["-c:v", "libx264"], null, 100, Span);
        var seed = new Uri("https://seed.example:8443");

        Assert.Equal("https://seed.example:8443/api/jobs/7/source?media=1000&span=40000000-60000000", Flock.Node.Encoding.ChunkEncoder.SourceUrl(seed, assignment));
        Assert.Equal("https://seed.example:8443/api/jobs/7/source", Flock.Node.Encoding.ChunkEncoder.SourceUrl(seed, assignment with { SourceBytes = null }));
    }
}
