using System.Text.Json;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// A node on a slow link whose buffer fills (a home uplink, a far cloud VM): its cluster heartbeats queue behind its
/// chunk bytes on the same wire, yet it must never be taken for a lost node. Measured, not tested: at 48 KB/s, 1 to 3 s
/// of queue passed; at 8 KB/s with 4 s of queue it is chance (the member flapped unreachable in some runs, with Flock's
/// 2 s acceptable-heartbeat-pause and with 10 s set in the akka section alike), so that is past what this test holds.
/// </summary>
public sealed class SlowLinkTests
{
    [Fact]
    public async Task Node_on_a_slow_congested_link_should_stay_a_reachable_member_and_its_work_should_count()
    {
        await using var rig = await FaultRig.StartAsync(isolatedNode: true);
        // About half the clip's bit rate, each way, and a second of queue: every source read and upload fills it.
        await rig.Network!.ThrottleAsync(48 * 1024, TimeSpan.FromSeconds(1));
        var a = await rig.IsolatedNodeAsync("node-a");
        await a.WaitForOutputAsync("cluster member up", TimeSpan.FromSeconds(30));
        var b = await rig.NodeAsync("node-b");
        var source = await rig.ClipAsync();
        var id = await rig.SubmitAsync(source);

        await rig.AssertCompletedExactlyAsync(id, source, a, b);
        // Given work: whether it or node-b (taking over a straggler) delivers it is the scheduler's business.
        Assert.Contains($"job {id} chunk ", a.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("no heartbeat from the seed", a.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("left the cluster", a.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("node node-a is unreachable", rig.Cluster.Seed!.Output, StringComparison.Ordinal);
        var events = JsonDocument.Parse(await rig.Cluster.Http.GetStringAsync("/api/cluster/events")).RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.NotEmpty(events);
        Assert.DoesNotContain(events, e => e.GetProperty("kind").GetString() is "unreachable" or "downed" or "removed"
            && (e.GetProperty("node").GetString() == "node-a" || e.GetProperty("address").GetString()?.Contains($"@{rig.Network.Address}:", StringComparison.Ordinal) == true));
    }
}
