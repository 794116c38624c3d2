using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Hosting;
using Flock.Seed.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flock.Tests.Support;

/// <summary>A cluster member in this test process, built by the same configuration as a node's: a way in for tests that try the seed's defences.</summary>
public sealed class MemberSystem : IAsyncDisposable
{
    private readonly IHost _host;

    private MemberSystem(IHost host) => _host = host;

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    private Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(System);

    public bool IsUp => Cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up;

    /// <param name="configure">adds to the member's configuration (a test's own serializer).</param>
    public static async Task<MemberSystem> StartAsync(X509Certificate2 certificate, Func<X509Certificate2, string?> checkPeer, string seedAddress,
        Action<AkkaConfigurationBuilder>? configure = null)
    {
        var transport = new ClusterTransport("127.0.0.1", "127.0.0.1", 0, certificate, checkPeer, [ClusterTransport.EncoderRole], seedAddress, TimeSpan.FromSeconds(3));
        var host = new HostBuilder()
            .ConfigureServices(s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance)
                .AddAkka(AkkaConfiguration.SystemName, akka =>
                {
                    akka.ConfigureFlockCommon().WithFlockCluster(transport);
                    configure?.Invoke(akka);
                }))
            .Build();
        await host.StartAsync();
        return new MemberSystem(host);
    }

    public async Task WaitUntilUpAsync(TimeSpan timeout)
    {
        var up = new TaskCompletionSource();
        Cluster.RegisterOnMemberUp(() => up.TrySetResult());
        await up.Task.WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
