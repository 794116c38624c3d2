using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Hosting;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Messages.Security;
using Flock.Node.Connection;
using Flock.Seed.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Security;

/// <summary>
/// Akka.Remote between seed and nodes runs mutual TLS where the only certificates accepted are the cluster
/// authority's, handed out by enrollment to whoever proves the cluster key: these tests try the ways in.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class ClusterTransportTests
{
    [GeneratedRegex(@"cluster member (akka\.ssl\.tcp://flock@[^ ]+) \(Akka\.Remote")]
    private static partial Regex SeedMemberLine();

    private static string SeedAddressOf(FlockProcess seed) => SeedMemberLine().Matches(seed.Output)[^1].Groups[1].Value;

    [Fact]
    public async Task Node_should_enroll_and_join_the_cluster_as_an_encoder_member_over_tls()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(cluster.DataDir, "cluster-ca.pfx")));
        Assert.StartsWith("akka.ssl.tcp://flock@127.0.0.1:", SeedAddressOf(seed), StringComparison.Ordinal);
        var node = await cluster.StartNodeAsync("node-a");
        await node.WaitForOutputAsync("cluster member up", TimeSpan.FromSeconds(30));

        var members = await MembersAsync(cluster, m => m.Any(e => e.GetProperty("node").ValueKind == JsonValueKind.String), "node-a's member named");
        var seedMember = Assert.Single(members, m => m.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "seed"));
        Assert.Equal(SeedAddressOf(seed), seedMember.GetProperty("address").GetString());
        Assert.Equal("up", seedMember.GetProperty("status").GetString());
        var encoder = Assert.Single(members, m => m.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "encoder"));
        Assert.Equal("node-a", encoder.GetProperty("node").GetString());
        Assert.Equal("reachable", encoder.GetProperty("reachability").GetString());
        Assert.StartsWith("akka.ssl.tcp://flock@127.0.0.1:", encoder.GetProperty("address").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrollment_should_refuse_a_wrong_key_and_a_replayed_challenge()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        using var http = cluster.CreateClient(token: null);
        var (key, request) = ClusterCertificates.CreateRequest("intruder");
        using (key)
        {
            var challenge = await ChallengeAsync(http);
            var digest = ClusterCertificates.Digest(key.ExportSubjectPublicKeyInfo());
            var wrong = new ClusterKey("not-the-cluster-key");
            var refused = await http.PostAsJsonAsync("api/cluster/enroll",
                new EnrollNode("intruder", challenge, "n1", request, wrong.EnrollProof(challenge, "n1", "intruder", digest)), WireJson.Options);
            Assert.Equal(403, (int)refused.StatusCode);
            Assert.Contains("wrong cluster key", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // A proof made with the right key for another public key does not transfer to this one.
            var right = new ClusterKey(cluster.Key);
            challenge = await ChallengeAsync(http);
            var otherKey = ClusterCertificates.Digest(ClusterCertificates.CreateRequest("x").Key.ExportSubjectPublicKeyInfo());
            var swapped = await http.PostAsJsonAsync("api/cluster/enroll",
                new EnrollNode("intruder", challenge, "n2", request, right.EnrollProof(challenge, "n2", "intruder", otherKey)), WireJson.Options);
            Assert.Equal(403, (int)swapped.StatusCode);

            // The right proof works once; the same challenge again is refused.
            challenge = await ChallengeAsync(http);
            var body = new EnrollNode("intruder", challenge, "n3", request, right.EnrollProof(challenge, "n3", "intruder", digest));
            var enrolled = await http.PostAsJsonAsync("api/cluster/enroll", body, WireJson.Options);
            Assert.True(enrolled.IsSuccessStatusCode, await enrolled.Content.ReadAsStringAsync());
            var replayed = await http.PostAsJsonAsync("api/cluster/enroll", body, WireJson.Options);
            Assert.Equal(400, (int)replayed.StatusCode);
        }
    }

    [Fact]
    public async Task A_member_with_a_certificate_from_another_authority_should_be_refused_in_the_handshake()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        using var rogueAuthority = ClusterCertificates.CreateAuthority("rogue cluster");
        using var certificate = IssuedCertificate.From(rogueAuthority, "rogue");

        await using var rogue = await MemberSystem.StartAsync(certificate, peer => null, SeedAddressOf(seed));
        await seed.WaitForOutputAsync("refused a cluster connection", TimeSpan.FromSeconds(30));
        Assert.Contains("not issued by this cluster's authority", seed.Output, StringComparison.Ordinal);
        Assert.False(rogue.IsUp, "a member with another authority's certificate joined");
        var members = await MembersAsync(cluster, _ => true, "members");
        Assert.DoesNotContain(members, m => m.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "encoder"));
    }

    [Fact]
    public async Task A_client_without_a_certificate_or_without_tls_should_get_nothing_from_the_remoting_port()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        var port = new Uri(SeedAddressOf(seed).Replace("akka.ssl.tcp", "tcp", StringComparison.Ordinal)).Port;

        // TLS, but no client certificate: the seed requires one, so the connection ends before any Akka frame.
        using (var tcp = new System.Net.Sockets.TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", port);
            using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
            var refused = false;
            try
            {
                await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "flock" });
                // TLS 1.3 reports a missing client certificate after the handshake, at the first read.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                refused = await tls.ReadAsync(new byte[64], timeout.Token) == 0;
            }
            catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException) { refused = true; }
            Assert.True(refused, "the remoting port talked to a TLS client without a certificate");
        }

        // Plain TCP: Akka's own protocol spoken without TLS reaches nothing either.
        using (var tcp = new System.Net.Sockets.TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", port);
            var stream = tcp.GetStream();
            await stream.WriteAsync("\0\0\0\x10akka.tcp handshake"u8.ToArray());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var read = 0;
            try { read = await stream.ReadAsync(new byte[64], timeout.Token); }
            catch (IOException) { }
            Assert.Equal(0, read);
        }

        // The seed is unharmed.
        Assert.False(seed.HasExited);
        Assert.True((await cluster.PbmAsync("cluster", "show")).ExitCode == 0);
    }

    [Fact]
    public async Task Cluster_down_should_revoke_the_certificates_a_node_enrolled_with()
    {
        using var cluster = new TestCluster();
        var seed = await cluster.StartSeedAsync();
        using var link = new SeedLink($"127.0.0.1:{cluster.Port}", new KnownSeeds(cluster.KnownSeedsFile));
        using var enrollment = await ClusterEnrollment.EnrollAsync(link, new ClusterKey(cluster.Key), "box1", CancellationToken.None);
        Assert.NotNull(enrollment);
        Assert.Equal(SeedAddressOf(seed), enrollment.SeedAddress);
        Assert.Null(enrollment.CheckPeer(enrollment.Certificate));
        // The seed's stable-after (its default unreachable-after), which the node's member must wait alike when it leads.
        Assert.Equal(TimeSpan.FromSeconds(5), enrollment.StableAfter);

        await using (var member = await MemberSystem.StartAsync(enrollment.Certificate, enrollment.CheckPeer, enrollment.SeedAddress))
        {
            await member.WaitUntilUpAsync(TimeSpan.FromSeconds(30));
        }

        // box1 never connected its control channel, so `cluster down` has no node to mark: the revocation still holds.
        await cluster.PbmAsync("cluster", "down", "box1");
        Assert.Contains(enrollment.Certificate.SerialNumber,
            await File.ReadAllTextAsync(Path.Combine(cluster.DataDir, "cluster-revoked")), StringComparison.OrdinalIgnoreCase);
        await using var again = await MemberSystem.StartAsync(enrollment.Certificate, enrollment.CheckPeer, enrollment.SeedAddress);
        await seed.WaitForOutputAsync("was revoked by `cluster down`", TimeSpan.FromSeconds(30));
        Assert.False(again.IsUp, "a revoked certificate joined again");
    }

    private static async Task<string> ChallengeAsync(HttpClient http)
    {
        var reply = await http.PostAsync("api/cluster/challenge", null);
        Assert.True(reply.IsSuccessStatusCode);
        return (await reply.Content.ReadFromJsonAsync<EnrollmentChallengeResponse>(WireJson.Options))!.SeedNonce;
    }

    private static async Task<IReadOnlyList<JsonElement>> MembersAsync(TestCluster cluster, Func<IReadOnlyList<JsonElement>, bool> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var show = await cluster.PbmAsync("cluster", "show", "--json");
            Assert.True(show.ExitCode == 0, show.Stderr);
            var members = JsonDocument.Parse(show.Stdout).RootElement.GetProperty("members").EnumerateArray().Select(m => m.Clone()).ToList();
            if (condition(members)) return members;
            if (DateTime.UtcNow > until) Assert.Fail($"timed out waiting for {what}: {show.Stdout}");
            await Task.Delay(300);
        }
    }
}
