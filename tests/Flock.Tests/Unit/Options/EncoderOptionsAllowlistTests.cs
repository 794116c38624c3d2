using Flock.Media.Options;
using Flock.Media.Processes;
using Flock.Messages.Chunks;
using Flock.Node.Encoding;
using Xunit;

namespace Flock.Tests.Unit.Options;

/// <summary>Only listed options and filters pass, at submit and again on the node; a refusal names what it refused.</summary>
public sealed class EncoderOptionsAllowlistTests
{
    [Theory]
    [InlineData("-dump_attachment:t", "/tmp/x", "-dump_attachment")]
    [InlineData("-attach", "/etc/passwd", "-attach")]
    [InlineData("-filter_script:v", "/etc/passwd", "-filter_script:v")]
    [InlineData("-protocol_whitelist", "file,http", "-protocol_whitelist")]
    [InlineData("-f", "alsa", "-f")]
    [InlineData("-stats_enc_post", "/tmp/x", "-stats_enc_post")]
    [InlineData("-passlogfile", "/tmp/x", "-passlogfile")]
    [InlineData("-metadata", "title=x", "-metadata")]
    [InlineData("-c:d", "copy", "-c:d")]
    [InlineData("-c:v:#0x1", "libx264", "-c:v:#0x1")]
    [InlineData("-i", "concat:/etc/passwd|x.mp4", "-i")]
    [InlineData("-sdp_file", "/tmp/x", "-sdp_file")]
    [InlineData("-vstats_file", "/tmp/x", "-vstats_file")]
    public void Option_not_on_the_allowlist_should_be_refused_naming_it(string key, string value, string named)
    {
        var e = Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-crf", "20", key, value]));

        Assert.Contains($"option {named}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("libx264", new[] { "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p10le" })]
    [InlineData("libx265", new[] { "-preset", "ultrafast", "-crf", "22", "-x265-params", "log-level=error" })]
    [InlineData("libsvtav1", new[] { "-preset", "12", "-crf", "30", "-svtav1-params", "tune=0" })]
    [InlineData("libaom-av1", new[] { "-usage", "realtime", "-cpu-used", "8", "-crf", "32", "-row-mt", "1", "-lag-in-frames", "0" })]
    [InlineData("librav1e", new[] { "-speed", "10", "-qp", "100", "-tiles", "2" })]
    [InlineData("libvpx-vp9", new[] { "-deadline", "realtime", "-cpu-used", "8", "-crf", "32", "-b:v", "0", "-auto-alt-ref", "1", "-lag-in-frames", "25" })]
    public void Each_encoders_usual_speed_and_quality_options_should_be_taken(string encoder, string[] settings)
    {
        var parsed = EncoderOptions.Parse(["-c:v", encoder, .. settings]);

        Assert.Equal(encoder, parsed.VideoEncoder);
        Assert.Equal(["-c:v", encoder, .. settings], parsed.Video);
    }

    [Theory]
    [InlineData("movie=/etc/passwd", "movie")]
    [InlineData("scale=640:-2,movie@x=/etc/passwd", "movie")]
    [InlineData("[in]amovie=/etc/passwd[out]", "amovie")]
    [InlineData("subtitles=/etc/passwd", "subtitles")]
    [InlineData("ass=/home/user/secret.ass", "ass")]
    [InlineData("lut3d=file=/etc/passwd", "lut3d")]
    [InlineData("lut1d=/etc/passwd", "lut1d")]
    [InlineData("haldclut", "haldclut")]
    [InlineData("frei0r=filter_name=x", "frei0r")]
    [InlineData("ladspa=file=x", "ladspa")]
    [InlineData("lv2=p=x", "lv2")]
    [InlineData("drawtext=textfile=/etc/passwd", "drawtext")]
    [InlineData("curves=psfile=/etc/passwd", "curves")]
    [InlineData("sendcmd=f=/etc/passwd", "sendcmd")]
    [InlineData("'mo'vie=/etc/passwd", "'mo'vie")]
    [InlineData("sws_flags=bicubic;movie=x", "sws_flags")]
    public void Filter_that_could_read_a_file_should_be_refused_naming_it(string graph, string named)
    {
        var e = Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-vf", graph]));

        Assert.Contains($"filter '{named}'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-x264-params", "qpfile=/etc/passwd", "qpfile")]
    [InlineData("-x264-params", "keyint=50:stats=/tmp/s.log", "stats")]
    [InlineData("-x265-params", "csv=/tmp/x.csv", "csv")]
    [InlineData("-x265-params", "analysis-load=/etc/passwd", "analysis-load")]
    public void Encoder_parameter_that_names_a_file_should_be_refused_naming_it(string key, string value, string parameter)
    {
        var e = Assert.Throws<MediaException>(() => EncoderOptions.Parse(["-c:v", "libx264", key, value]));

        Assert.Contains($"option {key}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{parameter}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Common_encoder_options_should_pass()
    {
        var options = EncoderOptions.Parse(["-c:v", "libx265", "-preset", "fast", "-crf", "26", "-pix_fmt", "yuv420p10le", "-x265-params", "keyint=60:no-open-gop=1",
            "-vf", "scale=640:-2,hqdn3d", "-c:a", "libopus", "-b:a", "96k", "-af", "loudnorm", "-c:s", "mov_text", "-b:v:0", "2M", "-profile:v", "main10"]);

        Assert.Equal("libx265", options.VideoEncoder);
        Assert.Equal("scale=640:-2,hqdn3d", options.VideoFilter);
    }

    private static AssignChunk Assignment(IReadOnlyList<string> video, string? filter = null, string source = "/api/jobs/4/source") =>
        new("4", 0, 1, source, null, 0, null, 0, 25, video, filter, 25);

    [Theory]
    [InlineData(new[] { "-c:v", "libx264", "-i", "/etc/passwd" }, null, "option -i")]
    [InlineData(new[] { "-c:v", "libx264", "-attach", "/etc/passwd" }, null, "option -attach")]
    [InlineData(new[] { "-c:v", "libx264" }, "movie=/etc/passwd", "filter 'movie'")]
    [InlineData(new[] { "-c:v", "libx264", "-c:a", "aac" }, null, "not video encoder options")]
    [InlineData(new[] { "-c:v", "libx264", "-x264-params", "dump-yuv=/tmp/leak.yuv" }, null, "'dump-yuv'")]
    public void Node_should_refuse_a_crafted_assignment_before_running_ffmpeg(string[] video, string? filter, string named)
    {
        var e = Assert.Throws<MediaException>(() => ChunkEncoder.CheckAssignment(Assignment(video, filter)));

        Assert.StartsWith("the node refused the assignment: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("/api/jobs/5/source")]
    [InlineData("https://elsewhere.example/x.mp4")]
    public void Node_should_refuse_a_source_other_than_the_jobs_own(string source)
    {
        var e = Assert.Throws<MediaException>(() => ChunkEncoder.CheckAssignment(Assignment(["-c:v", "libx264"], source: source)));

        Assert.Contains(source, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_should_accept_what_the_seed_sends_for_a_valid_submission()
    {
        var parsed = EncoderOptions.Parse(["-c:v", "libx264", "-preset", "ultrafast", "-crf", "30", "-threads", "1", "-vf", "scale=160:-2", "-c:a", "aac"]);

        ChunkEncoder.CheckAssignment(Assignment(parsed.Video, parsed.VideoFilter));
    }
}
