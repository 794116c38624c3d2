using System.Diagnostics;
using Flock.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// The seed's disk fills up under one job: receiving waits for space (the node keeps its result and retries), assembling
/// fails the job with the reason (checked before it starts); other jobs go on and the seed stays up. A job's folder is put on its own small tmpfs,
/// which needs root (the test run is root, as `./flock test` installs ffmpeg with apt).
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Full_disk_should_hold_uploads_until_space_returns_and_fail_assembly_with_the_reason_while_other_jobs_finish()
    {
        if (!Tmpfs.CanMount)
        {
            // Without root there is no small filesystem to fill; say so rather than pretend.
            output.WriteLine("not root: cannot mount a tmpfs to fill, disk-full test not run");
            return;
        }
        using var cluster = new TestCluster();
        // A margin that fits the small filesystems below; the default (64MiB) would refuse them outright.
        await cluster.StartSeedAsync(config: "flock.seed.min-free-space = 256KiB");
        await cluster.StartNodeAsync("node-a");
        var source = await TestClips.ConstantFrameRateMp4();
        string[] options = [.. ReferenceEncode.DefaultVideoOptions];
        var reference = await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), options);
        var encodedBytes = new FileInfo(reference).Length;
        // pbm uploads the input, and the seed keeps it in the job's folder.
        var inputBytes = new FileInfo(source).Length;
        var mounts = new List<string>();
        try
        {
            // Job 1: room for its plan, none for its chunk results.
            var full = await MountFullAsync(cluster, "1", free: inputBytes + (96 << 10), mounts);
            var waiting = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("waiting.mp4"), 1, options);
            await cluster.Seed!.WaitForOutputAsync("cannot store the result", TimeSpan.FromMinutes(2));

            // Job 2, on the ordinary disk, completes while job 1 waits for space.
            var other = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("other.mp4"), 1, options);
            var otherWait = await cluster.PbmAsync("job", "wait", other);
            Assert.True(otherWait.ExitCode == 0, otherWait.Stdout + otherWait.Stderr);
            await AssertFetchedExactAsync(cluster, other, reference);
            Assert.Equal("encoding", (await cluster.JobAsync(waiting)).GetProperty("state").GetString());

            var freed = Stopwatch.StartNew();
            File.Delete(full);
            var waitingWait = await cluster.PbmAsync("job", "wait", waiting);
            freed.Stop();
            Assert.True(waitingWait.ExitCode == 0, waitingWait.Stdout + waitingWait.Stderr);
            await AssertFetchedExactAsync(cluster, waiting, reference);
            ReliabilityLog.Record("seed disk full while receiving chunk results",
                "writing the result fails with ENOSPC; the seed answers \"cannot store the result\" and the node keeps it and retries",
                freed.Elapsed, "nothing (the job waited for space, then completed exactly; another job completed meanwhile)",
                nameof(Full_disk_should_hold_uploads_until_space_returns_and_fail_assembly_with_the_reason_while_other_jobs_finish));

            // Job 3: its chunks fit, the assembled output does not.
            await MountFullAsync(cluster, "3", free: inputBytes + (encodedBytes * 13 / 10) + (96 << 10), mounts);
            var clock = Stopwatch.StartNew();
            var doomed = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("doomed.mp4"), 1, options);
            var doomedWait = await cluster.PbmAsync("job", "wait", doomed);
            clock.Stop();
            Assert.Equal(1, doomedWait.ExitCode);
            var job = await cluster.JobAsync(doomed);
            Assert.Equal("failed", job.GetProperty("state").GetString());
            Assert.StartsWith("not enough disk space to assemble the output", job.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.False(cluster.Seed.HasExited, "the seed should stay up");
            var jobDir = Path.Combine(cluster.DataDir, "jobs", doomed);
            // Verified chunk results stay for a retry; unverified attempts and partial uploads go.
            Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(jobDir, "chunks")), f => f.EndsWith(".part", StringComparison.Ordinal) || f.Contains(".attempt", StringComparison.Ordinal));
            Assert.False(Directory.Exists(Path.Combine(jobDir, "assembly")), "assembly scraps should be removed");
            Assert.False(File.Exists(cluster.Scratch.File("doomed.mp4")));
            var list = await cluster.PbmAsync("job", "list");
            Assert.True(list.ExitCode == 0, list.Stderr);
            Assert.Equal(2, (await cluster.PbmAsync("job", "list", "--json")).Stdout.Split("\"completed\"").Length - 1);
            ReliabilityLog.Record("seed disk full while assembling the output",
                "free-space check before assembling (chunk results + min-free-space); the job fails with that reason",
                clock.Elapsed, "nothing else (the job failed with its reason; other jobs and the seed unaffected; scraps removed)",
                nameof(Full_disk_should_hold_uploads_until_space_returns_and_fail_assembly_with_the_reason_while_other_jobs_finish));
        }
        finally
        {
            output.WriteLine(cluster.Seed!.Output);
            foreach (var mount in mounts) await Tmpfs.UnmountAsync(mount);
        }
    }

    /// <summary>Mounts a tmpfs on the job's folder (before the seed creates it) and fills it to leave <paramref name="free"/> bytes.</summary>
    private static async Task<string> MountFullAsync(TestCluster cluster, string jobId, long free, List<string> mounts)
    {
        var dir = Path.Combine(cluster.DataDir, "jobs", jobId);
        Directory.CreateDirectory(dir);
        var size = free + (1 << 20);
        await Tmpfs.MountAsync(dir, size);
        mounts.Add(dir);
        var filler = Path.Combine(dir, "filler");
        await using (var file = File.Create(filler))
        {
            var block = new byte[64 << 10];
            Array.Fill(block, (byte)1);
            for (long written = 0; written < size - free; written += block.Length) await file.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, size - free - written)));
        }
        return filler;
    }

    private static async Task AssertFetchedExactAsync(TestCluster cluster, string id, string reference)
    {
        var fetched = cluster.Scratch.File($"fetched-{id}.mp4");
        var fetch = await cluster.PbmAsync("job", "fetch", id, fetched);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        await MediaComparer.AssertEquivalentAsync(reference, fetched);
    }
}
