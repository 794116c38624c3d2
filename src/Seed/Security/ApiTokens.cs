using System.Security.Cryptography;
using Flock.Messages.Cluster;
using Flock.Messages.Security;
using Flock.Seed.Options;

namespace Flock.Seed.Security;

/// <summary>What a bearer token lets its holder do on the job API.</summary>
public enum ApiAccess
{
    None,
    ReadOnly,
    Admin,
}

/// <summary>
/// The job API's tokens: one admin token (configured, FLOCK_TOKEN, or created on first start in the data dir) and
/// any number of read-only ones (configured, or added with `flock seed token create --read-only`, picked up live).
/// </summary>
public sealed class ApiTokens
{
    public const string AdminFileName = "admin.token";
    public const string ReadOnlyFileName = "read-only.tokens";

    private readonly string _admin;
    private readonly IReadOnlyList<string> _configuredReadOnly;
    private readonly string _readOnlyFile;
    private (DateTime Stamp, IReadOnlyList<string> Tokens) _fileReadOnly = (DateTime.MinValue, []);

    private ApiTokens(string admin, IReadOnlyList<string> readOnly, string readOnlyFile)
    {
        _admin = admin;
        _configuredReadOnly = readOnly;
        _readOnlyFile = readOnlyFile;
    }

    /// <summary>What a further seed member shows the running ones when it asks them for the cluster's members.</summary>
    public string Admin => _admin;

    public static (ApiTokens Tokens, string? CreatedAt) LoadOrCreate(SeedOptions options, string dataDir)
    {
        var readOnly = options.ReadOnlyTokens.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).ToArray();
        var readOnlyFile = Path.Combine(dataDir, ReadOnlyFileName);
        if (!string.IsNullOrWhiteSpace(options.AdminToken)) return (new ApiTokens(options.AdminToken.Trim(), readOnly, readOnlyFile), null);
        var path = Path.Combine(dataDir, AdminFileName);
        if (File.Exists(path)) return (new ApiTokens(File.ReadAllText(path).Trim(), readOnly, readOnlyFile), null);
        var token = NewToken();
        OwnerOnlyFile.WriteAllText(path, token + "\n");
        return (new ApiTokens(token, readOnly, readOnlyFile), path);
    }

    /// <summary>Adds a read-only token to the data dir's list (the running seed notices it) and returns it.</summary>
    public static string CreateReadOnly(string dataDir)
    {
        var token = NewToken();
        OwnerOnlyFile.AppendLine(Path.Combine(dataDir, ReadOnlyFileName), token);
        return token;
    }

    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public ApiAccess Check(string? bearer)
    {
        if (string.IsNullOrEmpty(bearer)) return ApiAccess.None;
        // Every candidate is compared in full (constant time each), so timing says nothing about which was close.
        var access = ApiAccess.None;
        if (ClusterKey.FixedEquals(bearer, _admin)) access = ApiAccess.Admin;
        foreach (var t in _configuredReadOnly.Concat(FileReadOnly()))
            if (ClusterKey.FixedEquals(bearer, t) && access == ApiAccess.None) access = ApiAccess.ReadOnly;
        return access;
    }

    private IReadOnlyList<string> FileReadOnly()
    {
        var stamp = File.Exists(_readOnlyFile) ? File.GetLastWriteTimeUtc(_readOnlyFile) : DateTime.MinValue;
        var cached = _fileReadOnly;
        if (stamp == cached.Stamp) return cached.Tokens;
        var tokens = stamp == DateTime.MinValue ? [] : File.ReadAllLines(_readOnlyFile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        _fileReadOnly = (stamp, tokens);
        return tokens;
    }
}
