using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Flock.Messages.Security;

namespace Flock.Seed.Security;

/// <summary>
/// The cluster's own certificate authority. Created on the seed's first start (owner-only in its data dir), it signs
/// each enrolled member's certificate; Akka.Remote's TLS handshake, on both sides, accepts only certificates it signed
/// and has not revoked. `cluster down NODE` revokes every certificate issued to that node.
/// </summary>
public sealed class ClusterAuthority : IDisposable
{
    public const string FileName = "cluster-ca.pfx";
    public const string IssuedFileName = "cluster-issued";
    public const string RevokedFileName = "cluster-revoked";

    /// <summary>A member re-enrolls each time its process starts or rejoins, so its certificate need not outlive a long stay.</summary>
    public static readonly TimeSpan MemberValidity = TimeSpan.FromDays(90);

    private readonly string _issuedPath;
    private readonly string _revokedPath;
    private readonly Lock _files = new();
    private readonly ConcurrentDictionary<string, string> _issued = new(StringComparer.OrdinalIgnoreCase); // serial → name
    private readonly ConcurrentDictionary<string, byte> _revoked = new(StringComparer.OrdinalIgnoreCase);

    private ClusterAuthority(X509Certificate2 certificate, string dataDir)
    {
        Certificate = certificate;
        _issuedPath = Path.Combine(dataDir, IssuedFileName);
        _revokedPath = Path.Combine(dataDir, RevokedFileName);
        foreach (var line in ReadLines(_issuedPath))
            if (line.Split(' ', 2) is [var serial, var name]) _issued[serial] = name;
        foreach (var line in ReadLines(_revokedPath)) _revoked[line.Trim()] = 0;
    }

    /// <summary>The authority's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The authority's certificate without its key, PEM: what members are given to check each other.</summary>
    public string PublicPem => Certificate.ExportCertificatePem();

    public static (ClusterAuthority Authority, string? CreatedAt) LoadOrCreate(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (File.Exists(path)) return (new ClusterAuthority(X509CertificateLoader.LoadPkcs12FromFile(path, null), dataDir), null);
        using var created = ClusterCertificates.CreateAuthority($"flock cluster {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        OwnerOnlyFile.WriteAllBytes(path, created.Export(X509ContentType.Pkcs12));
        return (new ClusterAuthority(X509CertificateLoader.LoadPkcs12FromFile(path, null), dataDir), path);
    }

    /// <summary>Signs a member's request (loaded by <see cref="ClusterCertificates.LoadRequest"/>) for <paramref name="name"/>.</summary>
    public X509Certificate2 Issue(CertificateRequest request, string name)
    {
        var issued = ClusterCertificates.Issue(Certificate, request.PublicKey, name, MemberValidity);
        Remember(issued.SerialNumber, name);
        return issued;
    }

    /// <summary>A certificate for the seed's own member, for a key made at this start.</summary>
    public X509Certificate2 IssueForSeed(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        using var issued = ClusterCertificates.Issue(Certificate, request.PublicKey, name, MemberValidity);
        Remember(issued.SerialNumber, name);
        return ClusterCertificates.WithKey(issued.ExportCertificatePem(), key);
    }

    /// <summary>Revokes every certificate issued to <paramref name="name"/>; its holder is refused from its next handshake on.</summary>
    /// <returns>how many were revoked now.</returns>
    public int Revoke(string name)
    {
        var serials = _issued.Where(i => string.Equals(i.Value, name, StringComparison.Ordinal) && !_revoked.ContainsKey(i.Key)).Select(i => i.Key).ToList();
        if (serials.Count == 0) return 0;
        lock (_files)
        {
            foreach (var serial in serials) _revoked[serial] = 0;
            OwnerOnlyFile.WriteAllText(_revokedPath, string.Concat(_revoked.Keys.Order(StringComparer.Ordinal).Select(s => s + "\n")));
        }
        return serials.Count;
    }

    public bool IsRevoked(X509Certificate2 certificate) => _revoked.ContainsKey(certificate.SerialNumber);

    /// <returns>null when a peer may connect with <paramref name="presented"/>, else why not.</returns>
    public string? Check(X509Certificate2 presented) =>
        ClusterCertificates.CheckIssuedBy(presented, Certificate)
        ?? (IsRevoked(presented) ? $"certificate of {ClusterCertificates.NameOf(presented)} (serial {presented.SerialNumber}) was revoked by `cluster down`" : null);

    private void Remember(string serial, string name)
    {
        _issued[serial] = name;
        lock (_files)
        {
            // Created owner-only once, appended to after: every node start enrolls, so rewriting it would grow with the list.
            if (File.Exists(_issuedPath)) File.AppendAllText(_issuedPath, $"{serial} {name}\n");
            else OwnerOnlyFile.WriteAllText(_issuedPath, $"{serial} {name}\n");
        }
    }

    private static IEnumerable<string> ReadLines(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Trim().Length > 0) : [];

    public void Dispose() => Certificate.Dispose();
}
