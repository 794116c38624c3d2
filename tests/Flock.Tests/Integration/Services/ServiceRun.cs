using Flock.Tests.Support;

namespace Flock.Tests.Integration.Services;

/// <summary>
/// Starts a deploy/systemd unit's ExecStart the way systemd would for a `DynamicUser=yes`, `ProtectSystem=strict`,
/// `ProtectHome=read-only` service: the unit's Environment= then its EnvironmentFile, /var/lib/NAME and
/// /var/cache/NAME created (under a scratch root, since tests do not own /var), and a home that cannot be written.
/// As root the home is a read-only tmpfs in a private mount namespace (EROFS, as systemd's read-only home gives);
/// otherwise a 0555 folder (EACCES).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class ServiceRun
{
    public static bool ReadOnlyMountAvailable => System.Environment.UserName == "root";

    /// <summary>What the OS says when the home is written: the reason the node must print.</summary>
    public static string HomeWriteError => ReadOnlyMountAvailable ? "read-only file system" : "permission denied";

    /// <summary>Maps the unit's /var paths and /opt/flock launcher onto the test's scratch root and built flock.dll.</summary>
    public static string Remap(string value, string root) =>
        value.Replace("/opt/flock/etc/", Repository.File("hocon") + "/", StringComparison.Ordinal) // what ./flock install copies there
            .Replace("/var/lib/", root + "/var/lib/", StringComparison.Ordinal)
            .Replace("/var/cache/", root + "/var/cache/", StringComparison.Ordinal);

    /// <param name="envFile">The EnvironmentFile's text (as a README tells users to write it).</param>
    /// <param name="root">Scratch folder standing in for the machine's /.</param>
    /// <param name="extraEnv">Applied last (a test-only override such as FLOCK_FFMPEG).</param>
    public static FlockProcess Start(SystemdUnit unit, string envFile, string root, IReadOnlyDictionary<string, string>? extraEnv = null)
    {
        var env = new Dictionary<string, string>();
        foreach (var (k, v) in unit.Environment()) env[k] = Remap(v, root);
        foreach (var (k, v) in SystemdUnit.ParseEnvironmentFile(envFile)) env[k] = v;
        foreach (var (k, v) in extraEnv ?? new Dictionary<string, string>()) env[k] = v;
        foreach (var name in unit.Values("StateDirectory").Concat(unit.Values("CacheDirectory")).SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            Directory.CreateDirectory(Path.Combine(root, "var", "lib", name));
            Directory.CreateDirectory(Path.Combine(root, "var", "cache", name));
        }
        var home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
        env["HOME"] = home;
        var exec = unit.ExecStart(env);
        if (exec[0] != "/opt/flock/bin/flock") throw new InvalidOperationException($"{unit.Path}: ExecStart does not start /opt/flock/bin/flock: {string.Join(' ', exec)}");
        var workingDirectory = unit.Value("WorkingDirectory") is { } wd ? Remap(wd, root) : null;
        // A service sees only what its unit gives it: the test runner's FLOCK_* (FlockProcess sets FLOCK_TOKEN) are unset.
        var unset = System.Environment.GetEnvironmentVariables().Keys.Cast<string>().Append("FLOCK_TOKEN")
            .Where(k => k.StartsWith("FLOCK_", StringComparison.Ordinal) && !env.ContainsKey(k)).Distinct().SelectMany(k => new[] { "-u", k });
        string[] command = ["env", .. unset, "dotnet", FlockProcess.Dll, .. exec.Skip(1).Select(a => Remap(a, root))];
        if (ReadOnlyMountAvailable)
        {
            // unshare execs sh, which execs env, which execs dotnet: one process id throughout, so killing it kills the service.
            return FlockProcess.Start(["-m", "sh", "-c", "mount -t tmpfs -o ro,mode=0755 tmpfs \"$HOME\" || exit 97; exec \"$@\"", "sh", .. command], env, "unshare", workingDirectory);
        }
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return FlockProcess.Start(command.Skip(1), env, "env", workingDirectory);
    }
}
