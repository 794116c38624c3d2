using Flock.Hocon;
using Flock.Seed;
using Flock.Seed.Options;
using Microsoft.Extensions.Logging;

namespace Flock.Cli.Hosting;

/// <summary>`flock seed`: the seed as a long-running service.</summary>
public static class SeedRunner
{
    public static async Task<int> RunAsync(string? configFile, string? urls, string? dataDir, string? logFormat, CancellationToken ct)
    {
        SeedOptions options;
        try
        {
            options = SeedConfiguration.Load(configFile);
        }
        catch (Exception e) when (e is HoconException or IOException)
        {
            Console.Error.WriteLine($"error: configuration: {e.Message}");
            return 1;
        }
        if (urls is not null) options.Urls = urls;
        if (dataDir is not null) options.DataDir = dataDir;
        var format = ConsoleLogging.Validate(logFormat ?? options.LogFormat);
        if (format is null)
        {
            Console.Error.WriteLine($"error: log format '{logFormat ?? options.LogFormat}' is neither text nor json");
            return 1;
        }
        using var logs = ConsoleLogging.Create(LogLevel.Information, format);
        SeedServer server;
        try
        {
            server = await SeedServer.StartAsync(options, logs, line => Console.Error.WriteLine(line), ct);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
        {
            Console.Error.WriteLine($"error: cannot start the seed: {e.Message}");
            return 1;
        }
        await using (server)
        {
            Console.Error.WriteLine($"seed listening on {server.Address}, data in {server.Runtime.DataDir}");
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { }
            Console.Error.WriteLine("seed stopping");
        }
        return 0;
    }
}
