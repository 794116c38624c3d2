using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Flock.Messages.Security;

/// <summary>
/// Certificates of the cluster's own authority: what a member presents in Akka.Remote's TLS handshake, and the one
/// check both sides make of the other's (issued by this cluster's CA, nothing else).
/// </summary>
public static class ClusterCertificates
{
    /// <summary>Client and server authentication: every member both dials and accepts connections.</summary>
    private static readonly OidCollection MemberUsages = [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")];

    /// <summary>A fresh key pair for a member and the request (PEM) the authority signs; the private key stays with the caller.</summary>
    public static (ECDsa Key, string RequestPem) CreateRequest(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        return (key, request.CreateSigningRequestPem());
    }

    /// <summary>A member's PKCS#10 request (PEM), its self-signature checked.</summary>
    /// <exception cref="ArgumentException">not a valid, self-signed request.</exception>
    public static CertificateRequest LoadRequest(string requestPem)
    {
        try { return CertificateRequest.LoadSigningRequestPem(requestPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default); }
        catch (CryptographicException e) { throw new ArgumentException($"not a certificate request: {e.Message}", e); }
    }

    /// <summary>The signed certificate joined with the member's private key, in a form the TLS stack can use on every platform.</summary>
    public static X509Certificate2 WithKey(string certificatePem, ECDsa key)
    {
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Signs a member's request: the public key from it, the name given by the authority (not the one asked for).</summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, PublicKey memberKey, string name, TimeSpan validity)
    {
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), memberKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(MemberUsages, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // a positive serial
        // Never past the authority's own end: a chain with a longer-lived leaf does not build.
        var notAfter = now + validity < authority.NotAfter.ToUniversalTime() ? now + validity : new DateTimeOffset(authority.NotAfter.ToUniversalTime());
        return request.Create(authority, now.AddMinutes(-5), notAfter, serial);
    }

    /// <summary>A self-signed authority for a new cluster.</summary>
    public static X509Certificate2 CreateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <returns>null when <paramref name="presented"/> chains to <paramref name="authority"/> alone, else why not.</returns>
    public static string? CheckIssuedBy(X509Certificate2 presented, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        // Revocation is the seed's own list (cluster down), not a CRL endpoint nobody runs.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        if (chain.Build(presented) && chain.ChainElements.Count == 2
            && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(authority.RawDataMemory.Span))
            return null;
        var status = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToArray();
        return status.Length > 0 ? $"not issued by this cluster's authority ({string.Join(", ", status)})" : "not issued by this cluster's authority";
    }

    public static string NameOf(X509Certificate2 certificate) => certificate.GetNameInfo(X509NameType.SimpleName, false);

    /// <summary>SHA-256 of the DER, lower-case hex: what enrollment proofs bind.</summary>
    public static string Digest(ReadOnlySpan<byte> der) => Convert.ToHexStringLower(SHA256.HashData(der));
}
