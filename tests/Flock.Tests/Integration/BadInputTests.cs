using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>Bad input gets one clear error line and a non-zero exit, never a hang or a stack trace.</summary>
public sealed class BadInputTests
{
    public static TheoryData<string, string[], string> Cases => new()
    {
        { "missing", [], "input not found" },
        { nameof(TestClips.NotAVideo), [], "not a readable video" },
        { nameof(TestClips.TruncatedMp4), [], "truncated" },
        { nameof(TestClips.TruncatedEndMp4), [], "damaged or truncated" },
        { nameof(TestClips.ConstantFrameRateMp4), ["-c:v", "libnope"], "libnope" },
        { nameof(TestClips.ConstantFrameRateMp4), ["-c:v", "libx264", "-i", "/etc/passwd"], "option -i is not allowed" },
        { nameof(TestClips.ConstantFrameRateMp4), ["-c:v", "libx264", "-vf", "movie=/etc/passwd"], "filter 'movie' is not allowed" },
        { nameof(TestClips.ConstantFrameRateMp4), ["-c:v", "libx264", "-nonsense-option", "1"], "nonsense" },
        { nameof(TestClips.ConstantFrameRateMp4), ["-c:v", "libx264", "-crf", "abc"], "video options refused by ffmpeg: Error setting option crf to value abc" },
        { nameof(TestClips.ConstantFrameRateMp4), ["-c:v", "libx264", "-preset", "bogus"], "video options refused by ffmpeg: invalid preset 'bogus'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_should_fail_with_one_clear_error_line(string clip, string[] options, string expected)
    {
        using var scratch = ScratchDirectory.Create("flock-bad");
        var source = clip == "missing" ? scratch.File("nope.mp4") : await EncodeTests.Clip(clip);
        var output = scratch.File("out.mp4");
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "1", "--", .. options], TimeSpan.FromMinutes(2));
        Assert.NotEqual(0, run.ExitCode);
        var errors = run.Stderr.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, $"expected one error line, got:\n{run.Stderr}");
        Assert.Contains(expected, errors[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"@ 0x[0-9a-f]+|\[error\]", errors[0]); // ffmpeg's internal prefixes mean nothing to a user
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal); // no stack trace
        Assert.False(File.Exists(output), "no output may be delivered for a failed job");
    }

    /// <summary>
    /// An encoder whose video one of the two containers cannot hold: chunks travel as MP4 (VP8 made every chunk fail on
    /// its node, over and over), and the output's own (H.264 into WebM failed at the join after the last chunk).
    /// </summary>
    [Theory]
    [InlineData("out.webm", new[] { "-c:v", "libvpx", "-deadline", "realtime", "-b:v", "300k" }, "codec not currently supported in container (chunks travel as MP4, the output is .webm)")]
    [InlineData("out.webm", new[] { "-c:v", "libx264", "-preset", "ultrafast" }, "Only VP8 or VP9 or AV1 video and Vorbis or Opus audio and WebVTT subtitles are supported for WebM (chunks travel as MP4, the output is .webm)")]
    public async Task Video_a_container_on_the_way_cannot_hold_should_be_refused_at_submit(string name, string[] options, string expected)
    {
        using var scratch = ScratchDirectory.Create("flock-bad-container");
        var output = scratch.File(name);

        var run = await FlockProcess.RunAsync(["encode", await TestClips.ConstantFrameRateMp4(), output, "--nodes", "1", "--", .. options], TimeSpan.FromMinutes(2));

        Assert.NotEqual(0, run.ExitCode);
        var errors = run.Stderr.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, $"expected one error line, got:\n{run.Stderr}");
        Assert.StartsWith("error: video options refused by ffmpeg: ", errors[0], StringComparison.Ordinal);
        Assert.Contains(expected, errors[0], StringComparison.Ordinal);
        Assert.DoesNotContain("job 1:", run.Stdout, StringComparison.Ordinal); // refused before it became a job
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task An_output_that_is_the_input_should_be_refused_even_through_a_link()
    {
        using var scratch = ScratchDirectory.Create("flock-bad-same");
        var source = scratch.File("film.mp4");
        File.Copy(await TestClips.ConstantFrameRateMp4(), source);
        var before = await File.ReadAllBytesAsync(source);
        var link = scratch.File("film-link.mp4");
        File.CreateSymbolicLink(link, source);

        foreach (var output in new[] { source, link })
        {
            var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "1", "--", .. ReferenceEncode.DefaultVideoOptions], TimeSpan.FromMinutes(2));

            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains($"error: output {output} is the input: it would replace the source", run.Stderr, StringComparison.Ordinal);
        }
        Assert.Equal(before, await File.ReadAllBytesAsync(source));
    }

    [Fact]
    public async Task Unwritable_output_directory_should_fail_before_encoding()
    {
        var source = await TestClips.ConstantFrameRateMp4();
        var run = await FlockProcess.RunAsync(["encode", source, "/proc/flock-test/out.mp4"]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("error: output directory not writable", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_output_extension_should_be_refused()
    {
        var source = await TestClips.ConstantFrameRateMp4();
        using var scratch = ScratchDirectory.Create("flock-bad-ext");
        var run = await FlockProcess.RunAsync(["encode", source, scratch.File("out.xyz")]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("unsupported output extension '.xyz'", run.Stderr, StringComparison.Ordinal);
    }
}
