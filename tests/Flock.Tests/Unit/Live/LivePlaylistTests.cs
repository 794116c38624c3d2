using Flock.Media.Live;
using Xunit;

namespace Flock.Tests.Unit.Live;

public sealed class LivePlaylistTests
{
    private static readonly LivePlaylist TwoChunks = LivePlaylist.Empty
        .Append([new LiveSegment("s00000000.m4s", 2.0), new LiveSegment("s00000001.m4s", 1.96)])
        .Append([new LiveSegment("s00010000.m4s", 3.2)]);

    [Fact]
    public void Playlist_should_be_an_event_playlist_of_every_published_segment_in_order_without_an_end_until_ended()
    {
        var text = TwoChunks.Render();
        Assert.Equal(2, TwoChunks.PublishedChunks);
        Assert.Equal(
            "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-INDEPENDENT-SEGMENTS\n"
            + "#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:2.000000,\ns00000000.m4s\n#EXTINF:1.960000,\ns00000001.m4s\n#EXTINF:3.200000,\ns00010000.m4s\n",
            text);
        Assert.EndsWith("s00010000.m4s\n#EXT-X-ENDLIST\n", TwoChunks.End().Render());
    }

    [Fact]
    public void Empty_playlist_should_name_no_init_segment_and_have_no_end()
    {
        var text = LivePlaylist.Empty.Render();
        Assert.DoesNotContain("EXT-X-MAP", text);
        Assert.DoesNotContain("ENDLIST", text);
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:EVENT", text);
    }

    [Fact]
    public void Token_query_should_follow_every_uri_and_nothing_else()
    {
        var text = LivePlaylist.WithQuery(TwoChunks.End().Render(), "?token=a%2Bb");
        Assert.Contains("#EXT-X-MAP:URI=\"init.mp4?token=a%2Bb\"\n", text);
        Assert.Contains("\ns00000000.m4s?token=a%2Bb\n", text);
        Assert.Contains("\ns00010000.m4s?token=a%2Bb\n#EXT-X-ENDLIST\n", text);
        Assert.Equal(4, text.Split("?token=").Length - 1);
    }

    [Fact]
    public void Master_playlist_should_name_the_media_playlist_and_the_subtitles_rendition_and_carry_the_token_on_both()
    {
        var subtitles = new LiveSubtitles("eng", "eng", 6.02);
        var master = subtitles.RenderMaster(LivePlaylist.VideoFileName);
        Assert.Equal("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n"
            + "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",NAME=\"eng\",LANGUAGE=\"eng\",DEFAULT=YES,AUTOSELECT=YES,URI=\"subtitles.m3u8\"\n"
            + "#EXT-X-STREAM-INF:BANDWIDTH=1000000,SUBTITLES=\"subs\"\nvideo.m3u8\n", master);
        var withQuery = LivePlaylist.WithQuery(master, "?token=t");
        Assert.Contains("URI=\"subtitles.m3u8?token=t\"\n", withQuery);
        Assert.Contains("\nvideo.m3u8?token=t\n", withQuery);
        Assert.Equal(2, withQuery.Split("?token=").Length - 1);
        // One segment as long as the source, the whole track: the target duration may not be shorter than it.
        Assert.Equal("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:7\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:6.020000,\nsubtitles.vtt\n#EXT-X-ENDLIST\n",
            subtitles.RenderPlaylist());
    }

    [Theory]
    [InlineData("index.m3u8", true)]
    [InlineData("video.m3u8", true)]
    [InlineData("subtitles.m3u8", true)]
    [InlineData("subtitles.vtt", true)]
    [InlineData("subtitles.vtt.partial", false)]
    [InlineData("audio.work", false)]
    [InlineData("init.mp4", true)]
    [InlineData("s00010002.m4s", true)]
    [InlineData("s0001000.m4s", false)]
    [InlineData("s0001000a.m4s", false)]
    [InlineData("../index.m3u8", false)]
    [InlineData("..", false)]
    [InlineData("index.m3u8.tmp", false)]
    [InlineData("chunk-000001.work", false)]
    [InlineData("s/0001000.m4s", false)]
    public void Only_the_publishers_own_names_should_be_served(string name, bool served) =>
        Assert.Equal(served, LivePlaylist.IsServedName(name));

    [Fact]
    public void Segments_should_be_read_from_ffmpegs_playlist_with_their_durations()
    {
        var segments = HlsSegmenter.ReadSegments("#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:2.000000,\n/tmp/x/s00020000.m4s\n#EXTINF:0.840000,\ns00020001.m4s\n#EXT-X-ENDLIST\n");
        Assert.Equal([new LiveSegment("s00020000.m4s", 2.0), new LiveSegment("s00020001.m4s", 0.84)], segments);
    }
}
