using System.Diagnostics;
using Flock.Media.Encoding;
using Xunit;

namespace Flock.Tests.Media;

/// <summary>
/// A node's thread share reaches x265 too: ffmpeg's -threads does not, and x265's thread pool moves its threads off
/// the core a node was pinned to. Read from the kernel (each thread's allowed CPUs while ffmpeg runs), not from timing.
/// </summary>
public sealed class EncoderThreadsTests
{
    [Fact]
    public void One_thread_should_give_x265_no_pool_and_one_frame_thread_after_the_users_own_parameters()
    {
        var video = EncoderThreads.Limit(["-c:v", "libx265", "-crf", "26", "-x265-params", "log-level=error"], "libx265", 1);

        Assert.Equal(["-c:v", "libx265", "-crf", "26", "-x265-params", "log-level=error:pools=none:frame-threads=1", "-threads", "1"], video);
    }

    [Fact]
    public void Several_threads_should_size_x265s_pool_and_leave_its_frame_threads_alone()
    {
        Assert.Equal(["-c:v", "libx265", "-threads", "4", "-x265-params", "pools=4"], EncoderThreads.Limit(["-c:v", "libx265"], "libx265", 4));
    }

    [Theory]
    [InlineData("pools=2")]
    [InlineData("numa-pools=+")]
    public void A_pool_the_user_chose_should_win(string own)
    {
        Assert.Equal(["-c:v", "libx265", "-x265-params", own, "-threads", "1"], EncoderThreads.Limit(["-c:v", "libx265", "-x265-params", own], "libx265", 1));
    }

    [Fact]
    public void A_users_own_frame_threads_should_win_and_the_pool_still_be_set()
    {
        Assert.Equal(["-c:v", "libx265", "-x265-params", "frame-threads=2:pools=none", "-threads", "1"],
            EncoderThreads.Limit(["-c:v", "libx265", "-x265-params", "frame-threads=2"], "libx265", 1));
    }

    [Fact]
    public void SVT_AV1_should_be_told_its_logical_processors_unless_the_user_did()
    {
        Assert.Equal(["-c:v", "libsvtav1", "-svtav1-params", "tune=0:lp=2", "-threads", "2"],
            EncoderThreads.Limit(["-c:v", "libsvtav1", "-svtav1-params", "tune=0"], "libsvtav1", 2));
        Assert.Equal(["-c:v", "libsvtav1", "-svtav1-params", "lp=4", "-threads", "1"],
            EncoderThreads.Limit(["-c:v", "libsvtav1", "-svtav1-params", "lp=4"], "libsvtav1", 1));
    }

    [Fact]
    public void Other_encoders_and_a_users_own_thread_count_should_get_only_what_they_got_before()
    {
        Assert.Equal(["-c:v", "libx264", "-threads", "1"], EncoderThreads.Limit(["-c:v", "libx264"], "libx264", 1));
        Assert.Equal(["-c:v", "libx265", "-threads", "3"], EncoderThreads.Limit(["-c:v", "libx265", "-threads", "3"], "libx265", 1));
        Assert.Equal(["-c:v", "libx265"], EncoderThreads.Limit(["-c:v", "libx265"], "libx265", 0));
    }

    [Fact]
    public async Task An_x265_encode_limited_to_one_thread_should_stay_on_the_core_it_was_pinned_to()
    {
        var before = await AllowedCpusOfEveryThreadAsync(["-c:v", "libx265", "-x265-params", "log-level=error", "-threads", "1"]);
        var limited = await AllowedCpusOfEveryThreadAsync(EncoderThreads.Limit(["-c:v", "libx265", "-x265-params", "log-level=error"], "libx265", 1));

        // What the fix is for: -threads 1 alone leaves x265's pool free to move its threads onto every core (on a
        // machine with more than one).
        if (Environment.ProcessorCount > 1) Assert.Contains(before, cpus => cpus != "0");
        Assert.Equal(["0"], limited);
    }

    /// <summary>Runs the encode under `taskset -c 0` and collects every thread's Cpus_allowed_list while it runs.</summary>
    private static async Task<IReadOnlySet<string>> AllowedCpusOfEveryThreadAsync(IReadOnlyList<string> video)
    {
        var start = new ProcessStartInfo("taskset") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])["-c", "0", "ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=30:d=20", .. video, "-f", "null", "-"])
            start.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(start)!;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            // x265 starts its pool at its first frame: watch until ffmpeg has been running a while with threads seen.
            var until = DateTime.UtcNow.AddSeconds(3);
            while (DateTime.UtcNow < until && !ffmpeg.HasExited)
            {
                foreach (var task in SafeDirectories($"/proc/{ffmpeg.Id}/task"))
                {
                    // Until taskset has pinned itself and become ffmpeg, the process is taskset, on every core.
                    if (SafeLines(Path.Combine(task, "comm")).FirstOrDefault() != "ffmpeg") continue;
                    var line = SafeLines(Path.Combine(task, "status")).FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
                    if (line is not null) seen.Add(line["Cpus_allowed_list:".Length..].Trim());
                }
                await Task.Delay(50);
            }
        }
        finally
        {
            if (!ffmpeg.HasExited) ffmpeg.Kill(entireProcessTree: true);
            await ffmpeg.WaitForExitAsync();
        }
        Assert.NotEmpty(seen);
        return seen;
    }

    private static IEnumerable<string> SafeDirectories(string path)
    {
        try { return Directory.GetDirectories(path); }
        catch (IOException) { return []; }
    }

    private static string[] SafeLines(string path)
    {
        try { return File.ReadAllLines(path); }
        catch (IOException) { return []; }
    }
}
