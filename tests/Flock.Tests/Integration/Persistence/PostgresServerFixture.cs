using System.Diagnostics;
using Npgsql;

using Xunit;

namespace Flock.Tests.Integration.Persistence;

/// <summary>
/// Throwaway PostgreSQL 15 server in a temp directory, reachable only through a Unix socket so it can never clash
/// with a real server. initdb refuses to run as root, so under root the binaries run as the postgres user.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private const string BinDir = "/usr/lib/postgresql/15/bin";
    private readonly string _dataDir = Path.Combine("/tmp", "flock-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private bool _started;

    public bool Installed { get; } = File.Exists(Path.Combine(BinDir, "initdb"));

    public string? ConnectionString { get; private set; }

    public Exception? StartFailure { get; private set; }

    public async Task InitializeAsync()
    {
        if (!Installed)
            return;
        try
        {
            var port = Random.Shared.Next(20_000, 60_000);
            await RunAsync("initdb", $"-D {_dataDir} -U postgres -A trust -E UTF8 --no-sync");
            await RunAsync("pg_ctl", $"-D {_dataDir} -l {_dataDir}/server.log -w -t 30 " +
                $"-o \"-p {port} -k {_dataDir} -c listen_addresses='' -c fsync=off\" start");
            _started = true;
            ConnectionString = $"Host={_dataDir};Port={port};Username=postgres;Database=postgres";
        }
        catch (Exception ex)
        {
            StartFailure = ex;
        }
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_started)
            await RunAsync("pg_ctl", $"-D {_dataDir} -m immediate -w stop");
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task RunAsync(string tool, string arguments)
    {
        var path = Path.Combine(BinDir, tool);
        var info = Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("runuser", $"-u postgres -- {path} {arguments}")
            : new ProcessStartInfo(path, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {arguments} exited with {process.ExitCode}: {await stdout}{await stderr}");
    }
}
