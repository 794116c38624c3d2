using System.Text.Json;
using Flock.Messages;
using Flock.Messages.Jobs;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// Sources whose keyframes are not all clean places to start decoding: the job decodes around them and delivers the
/// frames a single-machine encode gives, or fails with its reason; it never says "verified" of wrong frames.
/// </summary>
public sealed class SourceDecodeTests
{
    public static TheoryData<string> BadEntrySources => new() { nameof(BadEntryClips.LyingRecoveryPointsMp4), nameof(BadEntryClips.IntraRefreshMp4) };

    private static Task<string> Clip(string name) => (Task<string>)typeof(BadEntryClips).GetMethod(name)!.Invoke(null, null)!;

    [Theory]
    [MemberData(nameof(BadEntrySources))]
    public async Task Bad_entry_points_should_be_decoded_around_and_every_frame_equal_a_single_machine_encode(string clip)
    {
        var source = await Clip(clip);
        using var scratch = ScratchDirectory.Create("flock-bad-entry");
        var output = scratch.File("flock.mp4");
        var report = scratch.File("report.json");
        // Lossless, so a right frame is the source's frame exactly (infinite PSNR) and any wrong one shows, whatever
        // the rate control does at chunk boundaries.
        string[] options = ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0"];

        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1", "--report", report, "--", .. options]);

        Assert.True(run.ExitCode == 0, $"flock encode failed ({run.ExitCode}):\n{run.Stderr}");
        var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference.mp4"), options);
        await MediaComparer.AssertEquivalentAsync(reference, output);
        // Against the source itself, frame by frame: the distributed encode is as good as the single-machine one.
        var ours = await MediaComparer.ReadFramePsnrAsync(source, output);
        var theirs = await MediaComparer.ReadFramePsnrAsync(source, reference);
        Assert.Equal(theirs.Count, ours.Count);
        Assert.All(theirs, db => Assert.True(double.IsPositiveInfinity(db), "the single-machine lossless encode is the source"));
        var worse = ours.Select((db, i) => (db, i)).Where(f => f.db < theirs[f.i] - 0.5).ToList();
        Assert.True(worse.Count == 0, $"{worse.Count} frames more than 0.5 dB below a single-machine encode, first #{worse.FirstOrDefault().i}: {worse.FirstOrDefault().db:0.0} dB against {(worse.Count > 0 ? theirs[worse[0].i] : 0):0.0} dB");
        var job = JsonSerializer.Deserialize<JobResponse>(await File.ReadAllTextAsync(report), WireJson.Options)!;
        Assert.NotEmpty(job.BadEntryPoints ?? []);
        Assert.Contains("not a clean entry point", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_packet_should_fail_the_job_with_the_decoders_reason_or_deliver_what_a_single_machine_encode_gives()
    {
        // ffmpeg conceals the damage the same way in every threaded decode, but flags the frame as corrupt in some runs
        // only: a node that sees the flag fails its attempt; one that does not encodes the concealed frame, as ffmpeg
        // alone does. Either is right; a different picture called verified is not.
        var source = await BadEntryClips.DamagedPacketMp4();
        using var scratch = ScratchDirectory.Create("flock-damaged");
        var output = scratch.File("flock.mp4");
        string[] options = ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0"]; // lossless: frames compare exactly

        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "1", "--", .. options]);

        if (run.ExitCode == 0)
        {
            var reference = await ReferenceEncode.EncodeAsync(source, scratch.File("reference.mp4"), options);
            await MediaComparer.AssertEquivalentAsync(reference, output);
            var ours = await MediaComparer.ReadFramePsnrAsync(source, output);
            var theirs = await MediaComparer.ReadFramePsnrAsync(source, reference);
            Assert.All(ours.Select((db, i) => (db, i)), f => Assert.True(f.db >= theirs[f.i] - 0.5, $"frame {f.i}: {f.db:0.0} dB, single machine {theirs[f.i]:0.0} dB"));
            return;
        }
        var errors = run.Stderr.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, run.Stderr);
        Assert.Contains("source decode error", errors[0], StringComparison.Ordinal);
        Assert.Contains("corrupt decoded frame", errors[0], StringComparison.Ordinal);
        Assert.DoesNotContain("http://", errors[0], StringComparison.Ordinal);
        Assert.False(File.Exists(output), "no output may be delivered for a failed job");
    }

    [Fact]
    public async Task A_source_cut_off_after_its_header_should_complete_with_a_warning_saying_how_much_was_there()
    {
        var source = await BadEntryClips.CutOffMkv();
        using var scratch = ScratchDirectory.Create("flock-cut-off");
        var output = scratch.File("flock.mkv");
        var report = scratch.File("report.json");

        var run = await FlockProcess.RunAsync(["encode", source, output, "--nodes", "2", "--chunk-seconds", "2", "--report", report, "--", "-c:v", "libx264", "-preset", "ultrafast"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("warning: the source declares 30.0s but its video frames end at", run.Stderr, StringComparison.Ordinal);
        var job = JsonSerializer.Deserialize<JobResponse>(await File.ReadAllTextAsync(report), WireJson.Options)!;
        var warning = Assert.Single(job.Warnings ?? []);
        Assert.Contains($"{job.TotalFrames} frames", warning, StringComparison.Ordinal);
        var frames = await FfmpegTool.FfprobeAsync(["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", source]);
        Assert.Equal(int.Parse(frames.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture), job.TotalFrames);
    }
}
