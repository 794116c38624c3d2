using System.Security.Cryptography.X509Certificates;

namespace Flock.Messages.Security;

/// <summary>
/// Trust on first use, like ssh's known_hosts: the first certificate a seed (HOST:PORT) presents is pinned in a file;
/// later a different one is refused unless its fingerprint is given explicitly (--accept-fingerprint), which re-pins.
/// Lines read "HOST:PORT SHA256:hex".
/// </summary>
public sealed class KnownSeeds(string path, string? acceptFingerprint = null)
{
    public const string PathVariable = "FLOCK_KNOWN_SEEDS";
    public const string AcceptVariable = "FLOCK_ACCEPT_FINGERPRINT";

    private readonly string? _accept = CertificateFingerprint.Normalize(acceptFingerprint);
    private readonly object _lock = new();

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The last refusal, for the one-line error the caller shows (the TLS stack only sees "rejected").</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>The certificate the seed presented and was trusted (nodes hand it to ffmpeg).</summary>
    public X509Certificate2? TrustedCertificate { get; private set; }

    /// <summary>Called on first pin and on an accepted change, with a line worth telling the user.</summary>
    public Action<string>? Notice { get; init; }

    /// <summary>~/.config/flock/known_seeds unless FLOCK_KNOWN_SEEDS names another file.</summary>
    public static string DefaultPath(Func<string, string?> env) =>
        env(PathVariable) is { Length: > 0 } p ? p
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "flock", "known_seeds");

    public string? PinnedFor(string hostPort)
    {
        lock (_lock) return Read().GetValueOrDefault(hostPort);
    }

    /// <returns>whether to trust <paramref name="certificate"/> for <paramref name="hostPort"/>; pins it on first contact.</returns>
    public bool Check(string hostPort, X509Certificate? certificate)
    {
        if (certificate is null) return Refuse($"the seed at {hostPort} presented no certificate");
        var presented = CertificateFingerprint.Of(certificate);
        lock (_lock)
        {
            try
            {
                return CheckLocked(hostPort, certificate, presented);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A pin that cannot be kept is no pin: refuse the seed rather than let the caller fall back to plain HTTP.
                return Refuse($"cannot write known_seeds {Path}: {OsError.Reason(e, Path)} (set FLOCK_KNOWN_SEEDS or flock.node.known-seeds to a writable file)");
            }
        }
    }

    private bool CheckLocked(string hostPort, X509Certificate certificate, string presented)
    {
        using (OwnerOnlyFile.Lock(Path))
        {
            var known = Read();
            var pinned = known.GetValueOrDefault(hostPort);
            if (pinned is not null && pinned != presented && presented != _accept)
                return Refuse($"the seed at {hostPort} presents certificate {presented}, but {pinned} is pinned in {Path}: "
                    + $"someone may be intercepting the connection. If the seed's certificate really changed, run again with --accept-fingerprint {presented}");
            if (pinned != presented)
            {
                known[hostPort] = presented;
                OwnerOnlyFile.WriteAllText(Path, string.Concat(known.Select(kv => $"{kv.Key} {kv.Value}\n")));
                // Said once the pin is on disk, so a pin that could not be written is never announced.
                Notice?.Invoke(pinned is null
                    ? $"pinned the seed at {hostPort}: {presented} in {Path}"
                    : $"re-pinned the seed at {hostPort}: {presented} (was {pinned}) in {Path}");
            }
            TrustedCertificate = new X509Certificate2(certificate);
            return true;
        }
    }

    private bool Refuse(string reason)
    {
        LastRefusal = reason;
        return false;
    }

    private Dictionary<string, string> Read()
    {
        var known = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(Path)) return known;
        foreach (var line in File.ReadAllLines(Path))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && !parts[0].StartsWith('#') && CertificateFingerprint.Normalize(parts[1]) is { } fp) known[parts[0]] = fp;
        }
        return known;
    }
}
