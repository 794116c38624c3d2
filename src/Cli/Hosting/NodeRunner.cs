using Flock.Configuration;
using Flock.Media.Processes;
using Flock.Node;
using Flock.Node.Options;
using Microsoft.Extensions.Logging;

namespace Flock.Cli.Hosting;

/// <summary>`flock node`: one encoder node as a long-running service.</summary>
public static class NodeRunner
{
    public static async Task<int> RunAsync(string seed, string? name, string? configFile, string? logFormat, string? acceptFingerprint, CancellationToken ct)
    {
        NodeOptions options;
        try
        {
            options = NodeConfiguration.Load(configFile);
        }
        catch (Exception e) when (e is ConfigException or IOException)
        {
            Console.Error.WriteLine($"error: configuration: {e.Message}");
            return 1;
        }
        if (!string.IsNullOrWhiteSpace(seed)) options.Seed = seed;
        if (name is not null) options.Name = name;
        if (acceptFingerprint is not null) options.AcceptFingerprint = acceptFingerprint;
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
            var error = await NodeAgent.RunAsync(options, NodeAgent.DefaultName(options.Name), logs, ct);
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
