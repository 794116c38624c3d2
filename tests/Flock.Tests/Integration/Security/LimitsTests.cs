using System.Net;
using System.Net.WebSockets;
using System.Text;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Messages.Security;
using Xunit;

namespace Flock.Tests.Integration.Security;

/// <summary>Oversized, malformed and too many: each refused on its own connection while the seed goes on serving.</summary>
public sealed class LimitsTests
{
    private static async Task<ClientWebSocket> ConnectAsync(TestCluster cluster)
    {
        var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = SeedEndpoint.Validator(new KnownSeeds(cluster.KnownSeedsFile), new Uri(cluster.BaseUrl));
        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{cluster.Port}/api/nodes/connect"), CancellationToken.None);
        return socket;
    }

    /// <summary>Reads until the seed closes the connection; returns how it ended.</summary>
    private static async Task<string> DrainAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[1 << 16];
        try
        {
            while (true)
            {
                var r = await socket.ReceiveAsync(buffer, timeout.Token);
                if (r.MessageType == WebSocketMessageType.Close) return $"closed {socket.CloseStatus}";
                if (Encoding.UTF8.GetString(buffer, 0, r.Count).Contains("join-rejected", StringComparison.Ordinal)) return "rejected";
            }
        }
        catch (WebSocketException e)
        {
            return "broken " + e.WebSocketErrorCode;
        }
    }

    [Fact]
    public async Task Oversized_or_malformed_control_messages_should_close_only_their_own_connection()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("node-a");
        // A node joins first and is up once its benchmark is in: what must still hold at the end is "up".
        await seed.WaitForOutputAsync("node node-a is up", TimeSpan.FromSeconds(60));

        // Before joining: 2 MiB (over the 1 MiB cap), not JSON, a binary frame.
        byte[][] bad = [Encoding.UTF8.GetBytes(new string('x', 2 << 20)), "{\"type\":\"join-cluster\",\"name\":"u8.ToArray(), [0, 1, 2, 3]];
        foreach (var (payload, i) in bad.Select((b, i) => (b, i)))
        {
            using var socket = await ConnectAsync(cluster);
            await socket.ReceiveAsync(new byte[4096], CancellationToken.None); // the challenge
            await socket.SendAsync(payload, i == 2 ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, CancellationToken.None);
            var ended = await DrainAsync(socket);
            Assert.True(ended is "rejected" || ended.StartsWith("closed", StringComparison.Ordinal) || ended.StartsWith("broken", StringComparison.Ordinal), ended);
        }

        // After a genuine join: an oversized message ends that session only.
        using (var joined = await ConnectAsync(cluster))
        {
            var challenge = (Challenge)(await ControlChannel.ReceiveAsync(joined, CancellationToken.None))!;
            var key = new ClusterKey(cluster.Key);
            var nonce = ClusterKey.NewNonce();
            await ControlChannel.SendAsync(joined, new JoinCluster(Protocol.Version, "fuzzer", nonce, key.NodeProof(challenge.SeedNonce, nonce, "fuzzer"),
                "5", ["libx264"], 1, []), CancellationToken.None);
            Assert.IsType<JoinAccepted>(await ControlChannel.ReceiveAsync(joined, CancellationToken.None));
            await joined.SendAsync(Encoding.UTF8.GetBytes(new string('y', 3 << 20)), WebSocketMessageType.Text, true, CancellationToken.None);
            var ended = await DrainAsync(joined);
            Assert.True(ended.StartsWith("closed", StringComparison.Ordinal) || ended.StartsWith("broken", StringComparison.Ordinal), ended);
        }
        await seed.WaitForOutputAsync("control message larger than", TimeSpan.FromSeconds(30));

        Assert.False(seed.HasExited);
        var show = await cluster.PbmAsync("cluster", "show");
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("node-a | ", show.Stdout, StringComparison.Ordinal);
        Assert.Contains(" | up | ", show.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_should_refuse_node_connections_over_its_limit_and_uploads_over_their_size()
    {
        using var cluster = new TestCluster();
        var config = cluster.Scratch.File("limits.conf");
        await File.WriteAllTextAsync(config, "flock.seed { max-node-connections = 1, max-upload-size = 64KiB }\n");
        var seed = await cluster.StartSeedAsync(configFile: config);
        await cluster.StartNodeAsync("node-a");
        var extra = await cluster.StartNodeAsync("node-b", waitForJoin: false);
        await seed.WaitForOutputAsync("refused a node connection", TimeSpan.FromSeconds(60));
        await extra.WaitForOutputAsync("503", TimeSpan.FromSeconds(60));

        var big = cluster.Scratch.File("big.mp4");
        await File.WriteAllBytesAsync(big, new byte[200 << 10]);
        var submit = await cluster.PbmAsync("job", "submit", big, cluster.Scratch.File("out.mp4"), "--detach");
        Assert.Equal(1, submit.ExitCode);
        Assert.Equal("error: the input is larger than flock.seed.max-upload-size (65536 bytes)", submit.Stderr.Trim());

        var show = await cluster.PbmAsync("cluster", "show");
        Assert.Contains(" | node-a | ", show.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(" | node-b | ", show.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await cluster.PbmAsync("job", "list")).ExitCode);
    }
}
