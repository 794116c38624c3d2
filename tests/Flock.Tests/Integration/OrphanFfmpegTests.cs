using System.Diagnostics;
using Flock.Media.Processes;
using Flock.Tests.Media.Processes;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>
/// A SIGKILLed flock must not leave its ffmpeg running: a .NET parent that dies without a word leaves its children
/// reparented to PID 1, still encoding. Real flock, real ffmpeg, real SIGKILL.
/// </summary>
public sealed class OrphanFfmpegTests
{
    [Fact]
    public async Task A_SIGKILLed_flock_should_leave_no_ffmpeg_behind()
    {
        using var scratch = ScratchDirectory.Create("flock-orphan");
        var source = await SlowSourceAsync(scratch);
        using var flock = FlockProcess.Start(["encode", source, scratch.File("out.mp4"), "--nodes", "1", "--chunk-seconds", "30", "--", "-c:v", "libx264", "-preset", "veryslow"]);
        var ffmpeg = await WaitForChunkEncodeAsync(flock);

        using (var parent = Process.GetProcessById(flock.Id)) parent.Kill(entireProcessTree: false);

        await ChildProcessWatch.AssertGoneAsync(ffmpeg, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Without_setpriv_the_next_start_should_kill_what_a_SIGKILLed_flock_left_behind()
    {
        using var scratch = ScratchDirectory.Create("flock-orphan");
        var source = await SlowSourceAsync(scratch);
        // No setpriv on this PATH: the children carry only the marker the sweep looks for.
        var env = new Dictionary<string, string>
        {
            ["PATH"] = scratch.Path,
            ["FLOCK_FFMPEG"] = OnPath(Ffmpeg.FfmpegPath),
            ["FLOCK_FFPROBE"] = OnPath(Ffmpeg.FfprobePath),
        };
        using var flock = FlockProcess.Start(["encode", source, scratch.File("out.mp4"), "--nodes", "1", "--chunk-seconds", "30", "--", "-c:v", "libx264", "-preset", "veryslow"], env);
        var ffmpeg = await WaitForChunkEncodeAsync(flock);

        using (var parent = Process.GetProcessById(flock.Id)) parent.Kill(entireProcessTree: false);
        await flock.WaitForExitAsync(TimeSpan.FromSeconds(5));
        Assert.True(ChildProcessWatch.IsAlive(ffmpeg), "ffmpeg died with its parent even without setpriv: this test no longer shows the trap");

        var swept = ChildProcesses.SweepOrphans();

        await ChildProcessWatch.AssertGoneAsync(ffmpeg, TimeSpan.FromSeconds(3));
        Assert.True(swept >= 1, $"the sweep killed {swept} processes");
    }

    [Fact]
    public async Task The_sweep_should_leave_a_live_flocks_ffmpeg_alone()
    {
        using var scratch = ScratchDirectory.Create("flock-orphan");
        var source = await SlowSourceAsync(scratch);
        using var flock = FlockProcess.Start(["encode", source, scratch.File("out.mp4"), "--nodes", "1", "--chunk-seconds", "30", "--", "-c:v", "libx264", "-preset", "veryslow"]);
        var ffmpeg = await WaitForChunkEncodeAsync(flock);

        ChildProcesses.SweepOrphans();

        await Task.Delay(500);
        Assert.True(ChildProcessWatch.IsAlive(ffmpeg), "the sweep killed the ffmpeg of a flock that is still running");
    }

    /// <summary>20 s of video that a veryslow x264 encode takes far longer than this test to get through.</summary>
    private static async Task<string> SlowSourceAsync(ScratchDirectory scratch)
    {
        var source = scratch.File("source.mp4");
        await FfmpegTool.FfmpegAsync(["-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=20", "-c:v", "libx264", "-preset", "ultrafast", "-g", "250", source]);
        return source;
    }

    private static async Task<int> WaitForChunkEncodeAsync(FlockProcess flock)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            // The chunk encode is the ffmpeg reporting -progress; the seed's probes and trials are over in a moment.
            foreach (var pid in ChildProcessWatch.ChildrenOf(flock.Id, "ffmpeg"))
            {
                try { if (File.ReadAllText($"/proc/{pid}/cmdline").Contains("-progress", StringComparison.Ordinal)) return pid; }
                catch (IOException) { }
            }
            Assert.False(flock.HasExited, $"flock exited before its chunk encode was seen:\n{flock.Output}");
            Assert.True(DateTime.UtcNow < until, $"no chunk encode within 60 s:\n{flock.Output}");
            await Task.Delay(50);
        }
    }

    private static string OnPath(string program) =>
        Path.IsPathRooted(program) ? program
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, program)).First(File.Exists);
}
