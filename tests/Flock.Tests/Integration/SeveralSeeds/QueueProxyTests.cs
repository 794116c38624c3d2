using Akka.Cluster.Tools.Singleton;
using Flock.Messages.Security;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.SeveralSeeds;

/// <summary>What a seed member's proxy to the queue singleton is built with, read back from a member system as Flock starts one.</summary>
public sealed class QueueProxyTests
{
    [Fact]
    public async Task A_seed_members_queue_proxy_should_look_for_a_new_coordinators_queue_every_quarter_second()
    {
        // Akka's 1 s was the last full second of a takeover: the singleton had started on the oldest survivor and the
        // proxy the nodes' asks go through found it at its next look.
        using var authority = ClusterCertificates.CreateAuthority("proxy test");
        using var certificate = IssuedCertificate.From(authority, "member");
        await using var member = await MemberSystem.StartAsync(certificate, _ => null, "akka.ssl.tcp://flock@127.0.0.1:1");

        var settings = ClusterSingletonProxySettings.Create(member.System);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.SingletonIdentificationInterval);
    }
}
