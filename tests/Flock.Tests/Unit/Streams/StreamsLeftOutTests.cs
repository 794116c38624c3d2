using Flock.Media.Assembly;
using Flock.Media.Probing;
using Xunit;

namespace Flock.Tests.Unit.Streams;

/// <summary>What of a source the output will not have is said at submit, once per stream; what it keeps is not mentioned.</summary>
public sealed class StreamsLeftOutTests
{
    // A camera's file: the picture, a second angle, audio, a GoPro telemetry track, a QuickTime timecode track, a font and a cover.
    private static readonly MediaInfo Camera = MediaProbe.Parse("""
        { "format": { "format_name": "mov,mp4,m4a,3gp,3g2,mj2" },
          "streams": [
            { "index": 0, "codec_type": "video", "codec_name": "h264", "width": 1920, "height": 1080, "codec_tag_string": "avc1" },
            { "index": 1, "codec_type": "video", "codec_name": "hevc", "width": 640, "height": 360, "codec_tag_string": "hvc1" },
            { "index": 2, "codec_type": "audio", "codec_name": "aac", "codec_tag_string": "mp4a" },
            { "index": 3, "codec_type": "data", "codec_name": "bin_data", "codec_tag_string": "gpmd" },
            { "index": 4, "codec_type": "data", "codec_name": "unknown", "codec_tag_string": "tmcd", "tags": { "timecode": "01:00:00:00" } },
            { "index": 5, "codec_type": "attachment", "codec_name": "ttf", "tags": { "filename": "title.ttf" } },
            { "index": 6, "codec_type": "video", "codec_name": "png", "disposition": { "attached_pic": 1 } }
          ] }
        """);

    [Fact]
    public void An_mp4_output_should_be_warned_of_the_second_video_the_telemetry_and_the_font_but_not_the_timecode_or_the_cover()
    {
        var warnings = StreamsLeftOut.Warnings(Camera, "/out/film.mp4");

        Assert.Equal(
        [
            "the source's video stream 1 (hevc 640x360) is left out: a job encodes one video stream, stream 0",
            "the source's data stream 3 (gpmd) is left out: the output keeps audio, subtitles, chapters and metadata",
            "the source's attachment 5 (title.ttf) is left out: only a Matroska (.mkv) output holds attachments",
        ], warnings);
    }

    [Fact]
    public void A_matroska_output_keeps_the_font_and_a_webm_output_loses_the_cover_too()
    {
        Assert.DoesNotContain(StreamsLeftOut.Warnings(Camera, "/out/film.mkv"), w => w.Contains("attachment", StringComparison.Ordinal));
        Assert.Contains("the source's cover picture (stream 6, png) cannot be kept in WebM: the output leaves it out", StreamsLeftOut.Warnings(Camera, "/out/film.webm"));
        Assert.Contains("the source's cover picture (stream 6, png) cannot be kept in QuickTime (.mov): the output leaves it out", StreamsLeftOut.Warnings(Camera, "/out/film.mov"));
    }

    [Fact]
    public void A_plain_source_should_give_no_warning()
    {
        var plain = Camera with { Streams = [.. Camera.Streams.Where(s => s.Index is 0 or 2 or 4)] };

        Assert.Empty(StreamsLeftOut.Warnings(plain, "/out/film.mp4"));
    }
}
