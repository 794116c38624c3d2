using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// `flock encode` on every kind of source, compared with a careful single-machine ffmpeg encode of the same source:
/// same frames at the same timestamps, same streams, languages, chapters and title.
/// </summary>
public sealed class EncodeTests
{
    public static TheoryData<string, string> Sources => new()
    {
        { nameof(TestClips.ConstantFrameRateMp4), ".mp4" },
        { nameof(TestClips.VariableFrameRateMp4), ".mp4" },
        { nameof(TestClips.OpenGopHevcMp4), ".mp4" },
        { nameof(TestClips.TenBitHevcMkv), ".mkv" },
        { nameof(TestClips.SingleKeyframeMkv), ".mp4" },
        { nameof(TestClips.MultiAudioWithLanguagesMkv), ".mkv" },
        { nameof(TestClips.AudioLongerThanVideoMp4), ".mp4" },
        { nameof(TestClips.AudioShorterThanVideoMp4), ".mp4" },
        { nameof(TestClips.AviWithPackedBFrames), ".mp4" },
        { nameof(TestClips.MkvInput), ".mkv" },
        { nameof(TestClips.MpegTs), ".mp4" },
        { nameof(TestClips.M2ts), ".mp4" },
        { nameof(TestClips.MpegPs), ".mkv" },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Distributed_encode_should_equal_a_single_machine_encode(string clip, string extension)
    {
        var source = await Clip(clip);
        using var scratch = ScratchDirectory.Create("flock-encode");
        var output = scratch.File("flock" + extension);
        var options = ReferenceEncode.DefaultVideoOptions.ToArray();
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1.5", "--", .. options]);
        Assert.True(run.ExitCode == 0, $"flock encode failed ({run.ExitCode}):\n{run.Stderr}");

        var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference" + extension), options);
        await MediaComparer.AssertEquivalentAsync(reference, output);
        // Frame-exact timestamps could still hide a wrong picture at a boundary; a sharp PSNR drop would show it.
        await MediaComparer.AssertFramePsnrAtLeastAsync(reference, output, 25);
    }

    [Fact]
    public async Task Hevc_into_matroska_should_equal_a_single_machine_encode()
    {
        // Matroska cannot store negative timestamps, so B-frame video is shifted: it must be shifted exactly as ffmpeg does alone.
        var source = await TestClips.ConstantFrameRateMp4();
        using var scratch = ScratchDirectory.Create("flock-hevc");
        var output = scratch.File("out.mkv");
        string[] options = ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"];
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1.5", "--", .. options]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference.mkv"), options);
        await MediaComparer.AssertEquivalentAsync(reference, output);
    }

    [Fact]
    public async Task A_source_named_through_a_symbolic_link_should_equal_a_single_machine_encode()
    {
        // The seed measured a linked source by the link itself (a few bytes), so every chunk's read stopped short of the
        // MP4's index at the end of the file ("moov atom not found") and the job failed: NAS libraries link their files.
        var source = await TestClips.ConstantFrameRateMp4();
        using var scratch = ScratchDirectory.Create("flock-symlink");
        var link = scratch.File("linked.mp4");
        File.CreateSymbolicLink(link, source);
        var output = scratch.File("out.mp4");
        var options = ReferenceEncode.DefaultVideoOptions.ToArray();

        var run = await FlockProcess.RunAsync(["encode", link, output, "--nodes", "2", "--chunk-seconds", "2", "--", .. options]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference.mp4"), options);
        await MediaComparer.AssertEquivalentAsync(reference, output);
        Assert.Equal(source, new FileInfo(link).LinkTarget);
    }

    [Fact]
    public async Task Webm_output_should_get_opus_audio_and_keep_the_frames()
    {
        var source = await TestClips.ConstantFrameRateMp4();
        using var scratch = ScratchDirectory.Create("flock-webm");
        var output = scratch.File("out.webm");
        string[] options = ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k"];
        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "2", "--", .. options]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        // The careful single-machine encode of the same thing: WebM cannot hold AAC, so audio becomes Opus there too.
        var reference = scratch.File("reference.webm");
        await FfmpegTool.FfmpegAsync(["-y", "-i", source, "-map", "0", .. options, "-c:a", "libopus", "-fps_mode", "passthrough", "-enc_time_base", "-1", reference]);
        await MediaComparer.AssertEquivalentAsync(reference, output);
    }

    [Fact]
    public async Task Report_should_describe_the_finished_job_with_every_chunk_done()
    {
        var source = await TestClips.ConstantFrameRateMp4();
        using var scratch = ScratchDirectory.Create("flock-report");
        var report = scratch.File("report.json");
        var run = await FlockProcess.RunAsync(["encode", source, scratch.File("out.mp4"), "--nodes", "2", "--chunk-seconds", "2", "--report", report, "--",
            .. ReferenceEncode.DefaultVideoOptions]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(report));
        var root = json.RootElement;
        Assert.Equal("completed", root.GetProperty("state").GetString());
        foreach (var key in new[] { "id", "error", "input", "output" }) Assert.True(root.TryGetProperty(key, out _), key);
        var chunks = root.GetProperty("chunks").EnumerateArray().ToList();
        Assert.True(chunks.Count >= 2, $"a 6 s clip in 2 s chunks should make several chunks, got {chunks.Count}");
        Assert.All(chunks, c =>
        {
            Assert.Equal("done", c.GetProperty("state").GetString());
            Assert.True(c.GetProperty("attempts").GetInt32() >= 1);
            Assert.StartsWith("local-", c.GetProperty("node").GetString());
        });
    }

    internal static Task<string> Clip(string name) =>
        (Task<string>)typeof(TestClips).GetMethod(name)!.Invoke(null, null)!;
}
