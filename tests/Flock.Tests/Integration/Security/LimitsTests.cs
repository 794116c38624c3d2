using Akka.Actor;
using Akka.Hosting;
using Akka.Serialization;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Messages.Security;
using Flock.Node.Connection;
using Flock.Seed.Hosting;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Security;

/// <summary>Unproven, oversized, malformed and too many: each refused on its own session while the seed goes on serving.</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task Control_sessions_should_refuse_work_before_the_key_is_proven_and_drop_malformed_messages()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        await cluster.StartNodeAsync("node-a");
        // A node joins first and is up once its benchmark is in: what must still hold at the end is "up".
        await seed.WaitForOutputAsync("node node-a is up", TimeSpan.FromSeconds(60));

        // The fuzzer holds what any enrolled member holds: a certificate from the cluster's authority.
        using var link = new SeedLink($"127.0.0.1:{cluster.Port}", new KnownSeeds(cluster.KnownSeedsFile));
        using var enrollment = await ClusterEnrollment.EnrollAsync(link, new ClusterKey(cluster.Key), "fuzzer", CancellationToken.None);
        Assert.NotNull(enrollment);
        await using var member = await MemberSystem.StartAsync(enrollment.Certificate, enrollment.CheckPeer, enrollment.SeedAddress,
            akka => akka.WithCustomSerializer("forged", [typeof(Forged)], system => new ForgingSerializer(system)));
        await member.WaitUntilUpAsync(TimeSpan.FromSeconds(30));
        var probe = ControlSessionProbe.Start(member, enrollment.SeedAddress, "fuzzer");
        var me = probe.Self;

        // Work asked for before the key is proven gets nothing; a wrong proof is refused.
        var (challenge, session) = await probe.OpenAsync();
        session.Tell(new RequestWork(4), me);
        var key = new ClusterKey("not-the-cluster-key");
        session.Tell(new JoinCluster(Protocol.Version, "fuzzer", "n1", key.NodeProof(challenge.SeedNonce, "n1", "fuzzer"), "5", ["libx264"], 1, []), me);
        Assert.Equal("wrong cluster key", (await probe.NextAsync<JoinRejected>()).Message.Reason);

        // Bytes that are not a control message, a type that is not its manifest, over the size cap: each dropped on
        // arrival, the link and the seed unharmed.
        (challenge, session) = await probe.OpenAsync();
        session.Tell(new Forged("{\"type\":\"join-cluster\",\"name\":"u8.ToArray(), "join-cluster"), me);
        session.Tell(new Forged(ControlChannel.Encode(new RequestWork(4)), "heartbeat"), me);
        session.Tell(new Forged(System.Text.Encoding.UTF8.GetBytes($"{{\"type\":\"leave-cluster\",\"reason\":\"{new string('y', 110_000)}\"}}"), "leave-cluster"), me);
        await seed.WaitForOutputAsync("malformed control message", TimeSpan.FromSeconds(30));
        await seed.WaitForOutputAsync("arrived as heartbeat", TimeSpan.FromSeconds(30));
        await seed.WaitForOutputAsync("control message larger than", TimeSpan.FromSeconds(30));

        // The same link still joins with the right proof.
        key = new ClusterKey(cluster.Key);
        session.Tell(new JoinCluster(Protocol.Version, "fuzzer", "n2", key.NodeProof(challenge.SeedNonce, "n2", "fuzzer"), "5", ["libx264"], 1, []), me);
        var accepted = (await probe.NextAsync<JoinAccepted>()).Message;
        Assert.True(ClusterKey.FixedEquals(accepted.Proof, key.SeedProof(challenge.SeedNonce, "n2", "fuzzer")));

        Assert.False(seed.HasExited);
        var show = await cluster.PbmAsync("cluster", "show");
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("node-a | ", show.Stdout, StringComparison.Ordinal);
        Assert.Contains(" | up | ", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("fuzzer | ", show.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Any bytes under any manifest, sent as if they were a control message.</summary>
    private sealed record Forged(byte[] Json, string Manifest);

    /// <summary>
    /// Writes <see cref="Forged"/> under the control serializer's id, so the seed's <see cref="ControlMessageSerializer"/>
    /// reads it; reads like the real one, which it may replace in this member's id table.
    /// </summary>
    private sealed class ForgingSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
    {
        private readonly ControlMessageSerializer _real = new(system);

        public override int Identifier => ControlMessageSerializer.Id;

        public override byte[] ToBinary(object obj) => ((Forged)obj).Json;

        public override string Manifest(object o) => ((Forged)o).Manifest;

        public override object FromBinary(byte[] bytes, string manifest) => _real.FromBinary(bytes, manifest);
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
        await extra.WaitForOutputAsync("as many nodes as it accepts", TimeSpan.FromSeconds(60));

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
