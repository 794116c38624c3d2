using Akka.Actor;
using Akka.Hosting;
using Flock.Cli.Hosting;
using Flock.Node;
using Flock.Node.Connection;
using Flock.Node.Options;
using Flock.Seed.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// bench/scale's encoder nodes: COUNT of them in this one process, each a real member of the cluster as `flock node`
// makes it (enrolled with the cluster key, its own member ActorSystem over Akka.Remote with mutual TLS, its own
// encoder actor and control session), so that the seed's control plane meets as many members as the bench asks for on
// a machine of two cores. Their "ffmpeg" is whatever FLOCK_FFMPEG names: bench/scale's sleeps for the chunk's planned
// time, then encodes it for real at the source's 64x64, so that every result the seed verifies is a right one.
//
//   SimulatedNodes --seed HOST:PORT --count N --prefix NAME --work DIR [--config FILE]   (FLOCK_CLUSTER_KEY in the environment)
var seed = Arg("--seed") ?? throw new ArgumentException("--seed HOST:PORT");
var count = int.Parse(Arg("--count") ?? "10", System.Globalization.CultureInfo.InvariantCulture);
var prefix = Arg("--prefix") ?? "sim";
var work = Path.GetFullPath(Arg("--work") ?? Path.Combine(Path.GetTempPath(), "flock-sim"));
// A node configuration file as `flock node --config` reads it (its `akka { }` section included).
var config = Arg("--config");

using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();

// One local ActorSystem holds every node's encoder actor, as a `flock node` process holds its one.
using var host = new HostBuilder()
    .ConfigureServices(services => services.AddSingleton<ILoggerFactory>(logs).AddAkka(AkkaConfiguration.SystemName, akka => akka.ConfigureFlock(seed: null)))
    .Build();
await host.StartAsync();
var system = host.Services.GetRequiredService<ActorSystem>();

var nodes = Enumerable.Range(0, count).Select(i => RunNodeAsync($"{prefix}-{i}")).ToList();
await Task.WhenAll(nodes);
await host.StopAsync(CancellationToken.None);
return 0;

async Task RunNodeAsync(string name)
{
    var options = NodeConfiguration.Load(config);
    options.Seed = seed;
    options.Name = name;
    // Every member of this process listens on a port of its own.
    options.RemotePort = 0;
    options.BenchmarkSeconds = 0;
    options.Threads = 1;
    options.WorkDir = Path.Combine(work, name);
    options.KnownSeeds = Path.Combine(work, name, "known_seeds");
    Directory.CreateDirectory(options.WorkDir);
    var route = new ControlRoute();
    using var leaving = new CancellationTokenSource();
    var member = new MemberAddressRelay();
    var membership = NodeMembership.RunAsync(options, name, route, logs, member.Report, leaving.Token);
    try
    {
        var error = await NodeAgent.RunAsync(system, route, options, name, logs, stop.Token, member.Attach);
        if (error is not null) Console.Error.WriteLine($"{name}: {error}");
    }
    finally
    {
        await leaving.CancelAsync();
        await membership;
    }
}

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
