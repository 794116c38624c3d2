using System.Diagnostics;
using System.Text.Json;
using Flock.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// A node's work dir fills up. Short of min-free-space the node takes nothing and says why; an encode that still runs
/// out of space hands its chunk back, counted against the node (quarantine) but never against the chunk, which would
/// fail the job after three nodes. Each work dir is a small tmpfs of its own, which needs root (the test run is root,
/// as `./flock test` installs ffmpeg with apt).
/// </summary>
public sealed class NodeDiskFullTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Node_whose_work_dir_is_full_should_take_no_chunks_and_one_that_runs_out_should_hand_its_chunks_back()
    {
        if (!Tmpfs.CanMount)
        {
            output.WriteLine("not root: cannot mount a tmpfs to fill, node disk-full test not run");
            return;
        }
        await using var rig = await FaultRig.StartAsync();
        var mounts = new List<string>();
        var nodes = new List<FlockProcess>();
        try
        {
            // node-a: 48 KiB of disk, and a 1 MiB margin it cannot meet; node-c: the same disk, a margin it meets, chunk
            // results it cannot hold.
            var fullDisk = await MountAsync(rig, "work-full", mounts);
            var a = await rig.NodeAsync("node-a", $"flock.node {{ work-dir = \"{fullDisk}\", min-free-space = 1MiB }}");
            nodes.Add(a);
            await a.WaitForOutputAsync("taking no chunks for now: work dir 48 KiB free, min-free-space 1.0 MiB", TimeSpan.FromSeconds(30));
            await rig.Cluster.Seed!.WaitForOutputAsync("node node-a takes no chunks for now", TimeSpan.FromSeconds(30));
            var show = await rig.Cluster.PbmAsync("cluster", "show");
            Assert.Contains(show.Stdout.Split('\n'), row => row.Contains(" | paused (work dir 48 KiB free, min-free-space 1.0 MiB) | ", StringComparison.Ordinal)
                && row.Contains(" | node-a | ", StringComparison.Ordinal));

            var tightDisk = await MountAsync(rig, "work-tight", mounts);
            var c = await rig.NodeAsync("node-c", $"flock.node {{ work-dir = \"{tightDisk}\", min-free-space = 16KiB }}");
            nodes.Add(c);
            var source = await rig.BulkyClipAsync(4);
            var id = await rig.SubmitAsync(source);
            await c.WaitForOutputAsync("ran out of space", TimeSpan.FromMinutes(1));
            // From the node's ENOSPC to the seed holding the chunk as back in the queue.
            var clock = Stopwatch.StartNew();
            var (_, recovery) = await rig.WaitForAsync(id, clock, j => Attempts(j).Any(h => h.GetProperty("outcome").GetString() == "released"),
                "a chunk handed back by node-c");
            // Its chunk did not fit: it waits for room (twice what is free) instead of taking chunks it cannot hold.
            await c.WaitForOutputAsync("taking no chunks for now: work dir ran out of space for a chunk", TimeSpan.FromSeconds(30));
            var b = await rig.NodeAsync("node-b");
            nodes.Add(b);

            var job = await rig.AssertCompletedExactlyAsync(id, source, a, b, c);
            Assert.DoesNotContain(Attempts(job), h => h.GetProperty("node").GetString() == "node-a");
            Assert.DoesNotContain(Attempts(job), h => h.GetProperty("outcome").GetString() == "failed");
            Assert.Contains(Attempts(job), h => h.GetProperty("node").GetString() == "node-c" && h.GetProperty("outcome").GetString() == "released"
                && h.GetProperty("error").GetString()!.Contains("node's work dir ran out of space", StringComparison.Ordinal));
            // The chunk it was encoding and the one in its reserve, at most: never the same chunk handed straight back to it.
            Assert.InRange(Attempts(job).Count(h => h.GetProperty("node").GetString() == "node-c" && h.GetProperty("outcome").GetString() == "released"), 1, 2);

            // Room again on node-a's disk: it looks every 5 s and takes chunks again.
            await Tmpfs.ResizeAsync(fullDisk, 4 << 20);
            await a.WaitForOutputAsync("taking chunks again", TimeSpan.FromSeconds(30));
            await rig.Cluster.Seed.WaitForOutputAsync("node node-a takes chunks again", TimeSpan.FromSeconds(30));
            Assert.Equal("up", (await rig.Cluster.NodeAsync("node-a")).GetProperty("status").GetString());
            ReliabilityLog.Record("node's work dir out of space (a 48 KiB disk: one node below min-free-space, one that runs out mid-encode)",
                "free space under min-free-space: the node takes no chunks and says why (pbm: paused); ffmpeg's ENOSPC: the chunk is handed back, not failed",
                recovery, "nothing (the chunk went to a node with room; the job completed exactly; no chunk counted a failure)",
                nameof(Node_whose_work_dir_is_full_should_take_no_chunks_and_one_that_runs_out_should_hand_its_chunks_back));
        }
        finally
        {
            output.WriteLine("seed:\n" + rig.Cluster.Seed?.Output);
            foreach (var node in nodes) output.WriteLine("node:\n" + node.Output);
            foreach (var mount in mounts) await Tmpfs.UnmountAsync(mount);
        }
    }

    private static IEnumerable<JsonElement> Attempts(JsonElement job) =>
        FaultRig.Chunks(job).SelectMany(c => c.GetProperty("history").EnumerateArray());

    /// <summary>A 48 KiB tmpfs for a node's work dir.</summary>
    private static async Task<string> MountAsync(FaultRig rig, string name, List<string> mounts)
    {
        var dir = rig.Cluster.Scratch.File(name);
        await Tmpfs.MountAsync(dir, 48 << 10);
        mounts.Add(dir);
        return dir;
    }
}
