using Flock.Hocon;
using Flock.Seed;
using Flock.Seed.Options;
using Flock.Seed.Security;
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

    /// <summary>`flock seed token create --read-only`: prints the new token on stdout, where it was kept on stderr.</summary>
    public static int CreateToken(string? configFile, string? dataDir, bool readOnly)
    {
        if (!readOnly)
        {
            Console.Error.WriteLine("error: only read-only tokens are created here (--read-only); the admin token is flock.seed.admin-token, FLOCK_TOKEN or <data-dir>/admin.token");
            return 2;
        }
        try
        {
            var dir = Path.GetFullPath(dataDir ?? SeedConfiguration.Load(configFile).DataDir);
            Console.WriteLine(ApiTokens.CreateReadOnly(dir));
            Console.Error.WriteLine($"added a read-only token to {Path.Combine(dir, ApiTokens.ReadOnlyFileName)}");
            return 0;
        }
        catch (Exception e) when (e is HoconException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
