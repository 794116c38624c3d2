using System.Diagnostics;
using Flock.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// The seed's data disk, journal included, fills up mid-job: Akka.Persistence cannot write an event and stops the
/// actor that tried (the job's or a chunk's). Before, the job then answered nothing until the seed restarted, even once
/// space was back. The seed's data dir is a small tmpfs of its own, which needs root (as the other disk-full tests).
/// </summary>
public sealed class JournalDiskFullTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Seed_whose_journal_disk_fills_mid_job_should_start_the_stopped_actors_again_and_finish_exactly_once_space_returns()
    {
        if (!Tmpfs.CanMount)
        {
            output.WriteLine("not root: cannot mount a tmpfs to fill, journal disk-full test not run");
            return;
        }
        using var cluster = new TestCluster(tls: false);
        await Tmpfs.MountAsync(cluster.DataDir, 24 << 20);
        try
        {
            // A margin that fits the small disk; the default (64MiB) would refuse the submission.
            await cluster.StartSeedAsync(config: FaultRig.SeedConfig + "\nflock.seed.min-free-space = 1MiB\n");
            // Reading at half of real time keeps the job going while the disk is full.
            var node = await cluster.StartNodeAsync("node-a", config: FaultRig.NodeConfig,
                env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await cluster.PacedFfmpegAsync(0.5) });
            var source = cluster.Scratch.File("source.mp4");
            await FfmpegTool.FfmpegAsync(["-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=12", "-f", "lavfi", "-i", "sine=d=12",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-shortest", source]);
            var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out.mp4"), 1, FaultRig.Options);
            await cluster.WaitForJobAsync(id, j => FaultRig.Chunks(j).Any(c => c.GetProperty("state").GetString() == "done"), TimeSpan.FromMinutes(2), "a chunk verified");

            var filler = Path.Combine(cluster.DataDir, "filler");
            // From the disk filling up to the stopped actor started again: before, never (until the seed restarted).
            var clock = Stopwatch.StartNew();
            await FillAsync(filler);
            await cluster.Seed!.WaitForOutputAsync("its actor stopped (its journal could not be written)", TimeSpan.FromMinutes(2));
            File.Delete(filler);
            await cluster.Seed.WaitForOutputAsync("starting its actor again from its journal", TimeSpan.FromMinutes(2));
            var recovery = clock.Elapsed;
            var wait = await cluster.PbmAsync("job", "wait", id);
            Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr + "\nseed:\n" + cluster.Seed.Output + "\nnode:\n" + node.Output);
            var job = await cluster.JobAsync(id);
            Assert.Equal("completed", job.GetProperty("state").GetString());
            Assert.Equal(job.GetProperty("totalFrames").GetInt32(), FaultRig.Chunks(job).Sum(c => c.GetProperty("frames").GetInt32()));
            await FaultRig.AssertFetchedEqualsReferenceAsync(cluster, id, source);
            Assert.False(cluster.Seed.HasExited, "the seed should stay up");
            ReliabilityLog.Record("seed's data disk full mid-job (journal included: a 24 MiB disk filled while chunks are verified), then space freed",
                "Akka.Persistence cannot write an event and stops the job's or the chunk's actor (timed from the disk filling); its parent starts it again from its journal (1 s, doubling to 30 s), and a restarted job sends every held chunk back to the queue",
                recovery, "nothing (the job completed exactly; chunks in flight may be encoded twice, the first result wins)",
                nameof(Seed_whose_journal_disk_fills_mid_job_should_start_the_stopped_actors_again_and_finish_exactly_once_space_returns));
        }
        finally
        {
            output.WriteLine("seed:\n" + cluster.Seed?.Output);
            cluster.Seed?.KillHard();
            await Tmpfs.UnmountAsync(cluster.DataDir);
        }
    }

    /// <summary>Writes until the disk refuses.</summary>
    private static async Task FillAsync(string path)
    {
        var block = new byte[256 << 10];
        Array.Fill(block, (byte)1);
        await using var file = File.Create(path);
        try
        {
            while (true) await file.WriteAsync(block);
        }
        catch (IOException)
        {
            // Full.
        }
    }
}
