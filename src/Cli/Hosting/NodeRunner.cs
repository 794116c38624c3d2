using Akka.Actor;
using Akka.Hosting;
using Flock.Configuration;
using Flock.Media.Processes;
using Flock.Messages.Cluster;
using Flock.Node;
using Flock.Node.Connection;
using Flock.Node.Options;
using Flock.Seed.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flock.Cli.Hosting;

/// <summary>`flock node`: one encoder node as a long-running service.</summary>
public static class NodeRunner
{
    public static async Task<int> RunAsync(string? seed, string? name, string? configFile, string? logFormat, string? acceptFingerprint, string? clusterKeyFile,
        CancellationToken ct)
    {
        NodeOptions options;
        try
        {
            options = NodeConfiguration.Load(configFile);
            if (clusterKeyFile is not null) options.ClusterKeyFile = clusterKeyFile;
            if (options.ClusterKeyFile.Length > 0) options.ClusterKey = ClusterKeyFile.Read(options.ClusterKeyFile);
        }
        catch (Exception e) when (e is ConfigException or IOException)
        {
            Console.Error.WriteLine($"error: configuration: {e.Message}");
            return 1;
        }
        if (!string.IsNullOrWhiteSpace(seed)) options.Seed = seed;
        if (name is not null) options.Name = name;
        if (acceptFingerprint is not null) options.AcceptFingerprint = acceptFingerprint;
        // Before anything starts: a bad entry in a list of several would otherwise surface only when it is tried.
        try { SeedAddress.ParseList(options.Seed); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        using var logs = ConsoleLogging.CreateOrReport(logFormat ?? options.LogFormat);
        if (logs is null) return 1;
        // A flock killed with SIGKILL on a machine without setpriv left its ffmpeg encoding for nobody. Reading /proc
        // costs 30-100 ms cold, which start-up need not wait for.
        _ = Task.Run(() =>
        {
            if (ChildProcesses.SweepOrphans() is > 0 and var swept) Console.Error.WriteLine($"killed {swept} ffmpeg process(es) that a killed flock had left running");
        }, CancellationToken.None);
        try
        {
            // A node-only process: the same Akka configuration as the seed's, without the seed's part.
            using var host = new HostBuilder()
                .ConfigureServices(services => services.AddSingleton(logs).AddAkka(AkkaConfiguration.SystemName, akka => akka.ConfigureFlock(seed: null).WithAkkaSection(options.AkkaSection)))
                .Build();
            await host.StartAsync(ct);
            string? error;
            var nodeName = NodeAgent.DefaultName(options.Name);
            // Not linked to ct: a node told to stop finishes its chunk and hands it in over its control session, which
            // needs its cluster member until the encoder has left.
            using var leaving = new CancellationTokenSource();
            // Membership of the Akka cluster runs beside the encoder, in an ActorSystem of its own that is started
            // afresh whenever it is downed; the encoder's work does not stop for that, and its control link to the
            // seed opens from whichever member system is up.
            var member = new MemberAddressRelay();
            var route = new ControlRoute();
            var membership = string.IsNullOrWhiteSpace(options.ClusterKey) ? Task.CompletedTask : NodeMembership.RunAsync(options, nodeName, route, logs, member.Report, leaving.Token);
            try { error = await NodeAgent.RunAsync(host.Services.GetRequiredService<ActorSystem>(), route, options, nodeName, logs, ct, member.Attach); }
            finally
            {
                await leaving.CancelAsync();
                await membership;
                await host.StopAsync(CancellationToken.None);
            }
            if (error is null) return 0;
            Console.Error.WriteLine($"error: {error}");
            return 1;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
