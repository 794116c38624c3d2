using Akka.Actor;
using Akka.Hosting;
using Flock.Seed.Hosting;
using Flock.Seed.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Flock.Tests.Support;

/// <summary>
/// The seed's <c>flock</c> ActorSystem with nothing but its persistence (Akka.Persistence.Sql on <paramref name="journal"/>)
/// and serialization, built by the seed's own <see cref="AkkaConfiguration"/> in a host as the seed does.
/// </summary>
public sealed class FlockTestSystem : IAsyncDisposable
{
    private readonly IHost _host;

    private FlockTestSystem(IHost host) => _host = host;

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public static async Task<FlockTestSystem> StartAsync(JournalOptions journal, string dataDir)
    {
        var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka(AkkaConfiguration.SystemName,
                akka => akka.ConfigureFlockCommon().WithFlockPersistence(journal, dataDir)))
            .Build();
        await host.StartAsync();
        return new FlockTestSystem(host);
    }

    public static Task<FlockTestSystem> StartSqliteAsync(string dataDir) => StartAsync(new JournalOptions(), dataDir);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
