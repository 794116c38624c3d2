using System.Security.Cryptography;
using System.Text;

namespace Flock.Messages.Cluster;

/// <summary>
/// The shared secret of a cluster. Joining proves knowledge of it by HMAC over nonces from both sides, so the key
/// never travels; HTTP transfers use a per-node token derived from it, so they survive a seed restart.
/// </summary>
public sealed class ClusterKey
{
    private readonly byte[] _key;

    public ClusterKey(string key)
    {
        if (string.IsNullOrWhiteSpace(key)) throw new ArgumentException("the cluster key is empty", nameof(key));
        _key = Encoding.UTF8.GetBytes(key.Trim());
    }

    /// <summary>The configured key, else the one in the data dir, else a new one written there (owner-only).</summary>
    public static (ClusterKey Key, string? CreatedAt) LoadOrCreate(string? configured, string dataDir)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return (new ClusterKey(configured), null);
        var path = Path.Combine(dataDir, "cluster.key");
        if (File.Exists(path)) return (new ClusterKey(File.ReadAllText(path)), null);
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        Security.OwnerOnlyFile.WriteAllText(path, key + "\n");
        return (new ClusterKey(key), path);
    }

    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string NodeProof(string seedNonce, string nodeNonce, string name) => Mac($"node|{seedNonce}|{nodeNonce}|{name}");

    public string SeedProof(string seedNonce, string nodeNonce, string name) => Mac($"seed|{nodeNonce}|{seedNonce}|{name}");

    /// <summary>A node's proof in enrollment; binds its public key, so a proof cannot be replayed with another key.</summary>
    public string EnrollProof(string seedNonce, string nodeNonce, string name, string publicKeyDigest) =>
        Mac($"enroll|{seedNonce}|{nodeNonce}|{name}|{publicKeyDigest}");

    /// <summary>The seed's answer in enrollment; binds the certificate and authority it hands out.</summary>
    public string EnrolledProof(string seedNonce, string nodeNonce, string name, string certificateDigest, string authorityDigest) =>
        Mac($"enrolled|{nodeNonce}|{seedNonce}|{name}|{certificateDigest}|{authorityDigest}");

    public static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private string Mac(string text) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text)));
}
