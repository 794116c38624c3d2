using System.Diagnostics;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// A node cut off without any close: its network link is unplugged, so everything it sends and receives stops (the
/// seed's web side, its cluster member over Akka.Remote, the other members), then comes back.
/// </summary>
public sealed class PartitionTests
{
    [Fact]
    public async Task Node_cut_off_without_a_close_should_lose_its_chunks_to_others_and_never_count_its_late_result_twice()
    {
        await using var rig = await FaultRig.StartAsync(isolatedNode: true);
        // Reading at a third of real time keeps node-a's chunk in flight long enough to cut it off mid-chunk.
        var a = await rig.IsolatedNodeAsync("node-a", new Dictionary<string, string> { ["FLOCK_FFMPEG"] = await rig.Cluster.PacedFfmpegAsync(0.3) });
        await a.WaitForOutputAsync("cluster member up", TimeSpan.FromSeconds(30));
        var source = await rig.ClipAsync();
        var id = await rig.SubmitAsync(source);

        // node-a works alone until the cut, so it surely holds chunks then; what the seed saw just before counts.
        await rig.Cluster.WaitForJobAsync(id, j => FaultRig.Chunks(j).Any(c => c.GetProperty("node").GetString() == "node-a"
            && c.GetProperty("state").GetString() == "encoding"), TimeSpan.FromMinutes(2), "node-a encoding a chunk");
        await rig.Network!.CutAsync();
        var clock = Stopwatch.StartNew();
        var held = FaultRig.Chunks(await rig.Cluster.JobAsync(id)).Where(c => c.GetProperty("node").GetString() == "node-a"
            && c.GetProperty("state").GetString() is "assigned" or "encoding").Select(c => (Index: c.GetProperty("index").GetInt32(), Attempts: c.GetProperty("attempts").GetInt32())).ToList();
        Assert.NotEmpty(held);
        var (index, attempt) = held[0];

        // Released back to the queue once node-a is found unreachable; node-b joins only then, so the time is detection alone.
        var (_, recovery) = await rig.WaitForAsync(id, clock, j => held.All(h => FaultRig.Chunk(j, h.Index).GetProperty("state").GetString() == "pending"),
            "node-a's chunks released after it went silent");
        var b = await rig.NodeAsync("node-b");
        var (reassigned, _) = await rig.WaitForAsync(id, clock, j => held.All(h => FaultRig.Chunk(j, h.Index).GetProperty("attempts").GetInt32() > h.Attempts),
            "node-a's chunks reassigned");
        await rig.Cluster.Seed!.WaitForOutputAsync("node node-a is unreachable", TimeSpan.FromSeconds(30));
        Assert.NotEqual("node-a", FaultRig.Chunk(reassigned, index).GetProperty("node").GetString());
        // The node notices on its own that the seed went silent, and drops the dead socket.
        await a.WaitForOutputAsync("no heartbeat from the seed", TimeSpan.FromSeconds(30));
        // The cut is on the cluster transport too: the seed's side downs node-a's member, and node-a's side itself.
        var downedAt = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!MemberRemoved(rig.Cluster.Seed.Output, rig.Network.Address) && DateTime.UtcNow < downedAt) await Task.Delay(200);
        Assert.True(MemberRemoved(rig.Cluster.Seed.Output, rig.Network.Address), "node-a's cluster member should be removed:\n" + rig.Cluster.Seed.Output);
        await a.WaitForOutputAsync("left the cluster (downed", TimeSpan.FromSeconds(30));
        var show = await rig.Cluster.PbmAsync("cluster", "show");
        // Removed, its member ends its control session too: unreachable, then down.
        Assert.Contains(show.Stdout.Split('\n'), row => row.Contains(" | node-a | ", StringComparison.Ordinal)
            && (row.Contains(" | unreachable | ", StringComparison.Ordinal) || row.Contains(" | down | ", StringComparison.Ordinal)));

        // Heal: node-a reconnects, its encode of the old attempt resumes and finishes, and its late result meets a
        // chunk that is settled (409, dropped) or still open (accepted once, and then the other result is dropped).
        await rig.Network.HealAsync();
        var rejoinedOutput = () => a.Output.Split("no heartbeat from the seed").Last();
        await a.WaitForOutputAsync("no heartbeat from the seed", TimeSpan.FromSeconds(1));
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!rejoinedOutput().Contains("joined the seed", StringComparison.Ordinal) && DateTime.UtcNow < until) await Task.Delay(200);
        Assert.Contains("joined the seed", rejoinedOutput(), StringComparison.Ordinal);
        // Its fresh cluster member joins too (a second "cluster member up").
        until = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (a.Output.Split("cluster member up").Length < 3 && DateTime.UtcNow < until) await Task.Delay(200);
        Assert.True(a.Output.Split("cluster member up").Length >= 3, "node-a's member should join again after the heal:\n" + a.Output);

        var job = await rig.AssertCompletedExactlyAsync(id, source, a, b);
        var key = $"job {id} chunk {index} attempt {attempt}";
        until = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!LateResultSettled(a.Output, key) && DateTime.UtcNow < until) await Task.Delay(200);
        Assert.True(LateResultSettled(a.Output, key), $"node-a's late result for {key} should be uploaded or refused:\n{a.Output}");
        var final = FaultRig.Chunk(await rig.Cluster.JobAsync(id), index);
        Assert.Equal("done", final.GetProperty("state").GetString());
        Assert.Equal(FaultRig.Chunk(job, index).GetProperty("frames").GetInt32(), final.GetProperty("frames").GetInt32());
        Assert.Equal(job.GetProperty("totalFrames").GetInt32(), FaultRig.Chunks(await rig.Cluster.JobAsync(id)).Sum(c => c.GetProperty("frames").GetInt32()));
        var fate = a.Output.Contains($"{key} uploaded", StringComparison.Ordinal) ? "accepted once"
            : a.Output.Contains($"{key} cancelled", StringComparison.Ordinal) ? "cancelled on rejoin" : "dropped";
        ReliabilityLog.Record("node cut off without a close (its whole network unplugged: web side and cluster transport), then healed",
            "no heartbeat for unreachable-after, 3 s in the test (seed side, on the web side and the cluster transport alike: its member is downed); no heartbeat answer for seed-unreachable-after (node side)",
            recovery, $"nothing (late result {fate}, chunk counted once)", nameof(Node_cut_off_without_a_close_should_lose_its_chunks_to_others_and_never_count_its_late_result_twice));
    }

    private static bool MemberRemoved(string seedOutput, string address) =>
        seedOutput.Split('\n').Any(l => l.Contains($"@{address}:", StringComparison.Ordinal) && l.Contains(" removed (", StringComparison.Ordinal));

    // Cancelled: node-b's result was verified first and the seed stopped node-a's attempt as it rejoined, before its
    // encode (still reading its source at a paced third of real time) could finish: nothing late to count either.
    private static bool LateResultSettled(string output, string key) =>
        output.Contains($"{key} not wanted", StringComparison.Ordinal) || output.Contains($"{key} uploaded", StringComparison.Ordinal)
        || output.Contains($"{key} failed", StringComparison.Ordinal) || output.Contains($"{key} cancelled", StringComparison.Ordinal);
}
