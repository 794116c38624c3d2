using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Probing;

/// <summary>Reading ffprobe's JSON: streams, cover pictures, languages, chapters.</summary>
public sealed class MediaProbeParseTests
{
    // Shaped like `ffprobe -show_format -show_streams -show_chapters -of json` on an mkv with a cover image first.
    private const string Json = """
        {
          "streams": [
            { "index": 0, "codec_name": "mjpeg", "codec_type": "video", "width": 600, "height": 600,
              "time_base": "1/90000", "disposition": { "default": 0, "attached_pic": 1 }, "tags": { "filename": "cover.jpg" } },
            { "index": 1, "codec_name": "h264", "codec_type": "video", "width": 1920, "height": 1080, "pix_fmt": "yuv420p",
              "time_base": "1/1000", "disposition": { "default": 1, "attached_pic": 0 } },
            { "index": 2, "codec_name": "aac", "codec_type": "audio", "time_base": "1/48000",
              "disposition": { "default": 1, "attached_pic": 0 }, "tags": { "language": "eng" } },
            { "index": 3, "codec_name": "opus", "codec_type": "audio", "time_base": "1/48000",
              "disposition": { "default": 0, "attached_pic": 0 }, "tags": { "language": "jpn", "title": "Japanese" } },
            { "index": 4, "codec_name": "subrip", "codec_type": "subtitle", "time_base": "1/1000", "tags": { "language": "fra" } }
          ],
          "chapters": [
            { "id": 0, "time_base": "1/1000000000", "start": 0, "end": 60000000000 },
            { "id": 1, "time_base": "1/1000000000", "start": 60000000000, "end": 120000000000 }
          ],
          "format": { "format_name": "matroska,webm", "start_time": "0.021000", "duration": "120.042000", "nb_streams": 5 }
        }
        """;

    private static readonly MediaInfo Info = MediaProbe.Parse(Json);

    [Fact]
    public void Main_video_should_skip_the_attached_picture()
    {
        var video = Info.MainVideo;

        Assert.NotNull(video);
        Assert.Equal(1, video.Index);
        Assert.Equal("h264", video.CodecName);
        Assert.Equal(1920, video.Width);
        Assert.Equal(1080, video.Height);
        Assert.Equal("yuv420p", video.PixelFormat);
        Assert.False(video.IsAttachedPicture);
        Assert.True(Info.Streams[0].IsAttachedPicture);
    }

    [Fact]
    public void Streams_should_be_counted_by_type_without_cover_pictures()
    {
        Assert.Equal(5, Info.Streams.Count);
        Assert.Equal(1, Info.CountOf("video"));
        Assert.Equal(2, Info.CountOf("audio"));
        Assert.Equal(1, Info.CountOf("subtitle"));
        Assert.Equal(0, Info.CountOf("data"));
    }

    [Fact]
    public void Stream_time_bases_and_languages_should_be_read()
    {
        Assert.Equal(new TimeBase(1, 90000), Info.Streams[0].TimeBase);
        Assert.Equal(new TimeBase(1, 1000), Info.Streams[1].TimeBase);
        Assert.Equal(new TimeBase(1, 48000), Info.Streams[2].TimeBase);
        Assert.Equal(["eng", "jpn"], Info.Streams.Where(s => s.CodecType == "audio").Select(s => s.Language));
        Assert.Equal("fra", Info.Streams[4].Language);
        Assert.Null(Info.Streams[1].Language);
    }

    [Fact]
    public void Format_and_chapters_should_be_read()
    {
        Assert.Equal("matroska,webm", Info.FormatName);
        Assert.Equal(0.021, Info.StartSeconds, precision: 9);
        Assert.Equal(120.042, Info.DurationSeconds, precision: 9);
        Assert.Equal(2, Info.ChapterCount);
    }

    [Fact]
    public void Source_with_only_a_cover_picture_should_have_no_main_video()
    {
        // An mp3 with album art: ffprobe lists a "video" stream, but there is nothing to encode.
        var info = MediaProbe.Parse("""
            { "streams": [
                { "index": 0, "codec_type": "audio", "codec_name": "mp3", "time_base": "1/14112000" },
                { "index": 1, "codec_type": "video", "codec_name": "png", "time_base": "1/90000", "disposition": { "attached_pic": 1 } } ],
              "format": { "format_name": "mp3" } }
            """);

        Assert.Null(info.MainVideo);
        Assert.Equal(0, info.CountOf("video"));
        Assert.Equal(0, info.ChapterCount);
        Assert.Equal(0, info.StartSeconds);
    }

    [Fact]
    public void Missing_fields_should_get_neutral_defaults()
    {
        var info = MediaProbe.Parse("""{ "streams": [ { "index": 0 } ] }""");

        var stream = Assert.Single(info.Streams);
        Assert.Equal("unknown", stream.CodecType);
        Assert.Equal("unknown", stream.CodecName);
        Assert.Equal(new TimeBase(1, 1000), stream.TimeBase);
        Assert.Equal("", info.FormatName);
    }
}
