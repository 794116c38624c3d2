using System.Text.Json;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>Akka.Cluster membership as pbm's cluster palette shows and drives it: status, leader, tail, down-unreachable.</summary>
public sealed class ClusterMembershipTests
{
    [Fact]
    public async Task Killed_node_should_show_as_an_unreachable_member_and_down_unreachable_should_remove_it()
    {
        using var cluster = new TestCluster();
        // A long unreachable-after keeps both the seed's own heartbeat check and the Split Brain Resolver out of the
        // way, so what removes the member here is the operator's command.
        await cluster.StartSeedAsync(config: "flock.seed.unreachable-after = 120s");
        var node = await cluster.StartNodeAsync("node-a");
        await node.WaitForOutputAsync("cluster member up", TimeSpan.FromSeconds(30));
        var address = (await MemberOfAsync(cluster, "node-a", m => true)).GetProperty("address").GetString()!;

        var leader = await cluster.PbmAsync("cluster", "leader");
        Assert.True(leader.ExitCode == 0, leader.Stderr);
        // Akka's leader is the up member with the lowest address, not necessarily the seed (the oldest).
        Assert.True(await HasMemberAsync(cluster, leader.Stdout.Trim()), $"leader {leader.Stdout} is no member");
        var status = await cluster.PbmAsync("cluster", "status");
        Assert.Matches(@"^seed akka\.ssl\.tcp://flock@127\.0\.0\.1:\d+ up \| 2 members \(2 up\) \| 0 unreachable \| leader ", status.Stdout);
        // The job queue is a cluster singleton: it answers from the singleton manager's child on the seed's member.
        var seedAddress = status.Stdout.Split(' ')[1];
        var queue = await QueueAsync(cluster);
        Assert.Equal($"{seedAddress}/user/jobs/jobs", queue);
        Assert.EndsWith($"| queue {queue}", status.Stdout.Trim(), StringComparison.Ordinal);

        node.KillHard();
        await MemberOfAsync(cluster, "node-a", m => m.GetProperty("reachability").GetString() == "unreachable");
        var downed = await cluster.PbmAsync("cluster", "down-unreachable");
        Assert.True(downed.ExitCode == 0, downed.Stderr);
        Assert.Contains($"{address} down", downed.Stdout, StringComparison.Ordinal);

        // Downed, then removed by the leader: it drops off the list, and the events say what happened in order.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await HasMemberAsync(cluster, address) && DateTime.UtcNow < until) await Task.Delay(300);
        Assert.False(await HasMemberAsync(cluster, address), "a downed member should be removed");
        var tail = FlockProcess.Start(["pbm", $"127.0.0.1:{cluster.Port}", "cluster", "tail", "--all"], cluster.ClientEnvironment());
        try
        {
            await tail.WaitForOutputAsync($"| removed | {address} |", TimeSpan.FromSeconds(30));
            var kinds = tail.Output.Split('\n').Where(l => l.Contains($"| {address} |", StringComparison.Ordinal)).Select(l => l.Split(" | ")[1]).ToList();
            Assert.True(kinds.IndexOf("up") < kinds.IndexOf("unreachable") && kinds.IndexOf("unreachable") < kinds.IndexOf("removed"), string.Join(",", kinds));
            Assert.Contains("downed", kinds);
        }
        finally
        {
            tail.Dispose();
        }
    }

    /// <summary>The queue's path once it has answered the seed's identify (it starts once the seed's member is up).</summary>
    private static async Task<string> QueueAsync(TestCluster cluster)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var show = await cluster.PbmAsync("cluster", "status", "--json");
            if (JsonDocument.Parse(show.Stdout).RootElement.TryGetProperty("queue", out var q) && q.ValueKind == JsonValueKind.String) return q.GetString()!;
            Assert.True(DateTime.UtcNow < until, $"the queue never answered: {show.Stdout}");
            await Task.Delay(300);
        }
    }

    [Fact]
    public async Task Node_behind_a_port_forward_should_be_a_member_at_the_forwarded_port()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var remotePort = FlockProcess.FreePort();
        await using var forward = new Flock.Tests.Support.TcpProxy(remotePort);
        var node = await cluster.StartNodeAsync("node-f", config: $"flock.node {{ remote-port = {remotePort}, remote-public-port = {forward.Port} }}\n");
        await node.WaitForOutputAsync("cluster member up", TimeSpan.FromSeconds(30));

        var member = await MemberOfAsync(cluster, "node-f", m => m.GetProperty("status").GetString() == "up");
        Assert.EndsWith($"@127.0.0.1:{forward.Port}", member.GetProperty("address").GetString(), StringComparison.Ordinal);
    }

    private static async Task<bool> HasMemberAsync(TestCluster cluster, string address)
    {
        var show = await cluster.PbmAsync("cluster", "show", "--json");
        return JsonDocument.Parse(show.Stdout).RootElement.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("address").GetString() == address);
    }

    private static async Task<JsonElement> MemberOfAsync(TestCluster cluster, string node, Func<JsonElement, bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var show = await cluster.PbmAsync("cluster", "show", "--json");
            Assert.True(show.ExitCode == 0, show.Stderr);
            var member = JsonDocument.Parse(show.Stdout).RootElement.GetProperty("members").EnumerateArray()
                .FirstOrDefault(m => m.GetProperty("node").ValueKind == JsonValueKind.String && m.GetProperty("node").GetString() == node);
            if (member.ValueKind == JsonValueKind.Object && condition(member)) return member.Clone();
            if (DateTime.UtcNow > until) Assert.Fail($"timed out waiting for {node}'s member: {show.Stdout}");
            await Task.Delay(300);
        }
    }
}
