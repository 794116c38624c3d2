using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Flock.Messages.Security;
using Flock.Seed.Options;

namespace Flock.Seed.Security;

/// <summary>
/// The certificate Kestrel serves: the configured one (PFX, or PEM certificate plus key), else a self-signed one
/// created on first start in the data dir (owner-only) and kept, so the fingerprint nodes pinned stays valid.
/// </summary>
public static class SeedCertificate
{
    public const string FileName = "seed-tls.pfx";

    /// <summary>The name every self-signed seed certificate carries, so ffmpeg can verify it whatever address nodes use.</summary>
    public const string SelfSignedName = "flock-seed";

    public static (X509Certificate2 Certificate, string? CreatedAt) LoadOrCreate(SeedOptions tls, string dataDir)
    {
        if (tls.TlsCertificate.Length > 0) return (LoadConfigured(tls), null);
        var path = Path.Combine(dataDir, FileName);
        if (File.Exists(path)) return (X509CertificateLoader.LoadPkcs12FromFile(path, null), null);
        OwnerOnlyFile.WriteAllBytes(path, CreateSelfSigned().Export(X509ContentType.Pkcs12));
        // Loaded back from the PFX: an ephemeral key cannot be used by the TLS stack on every platform.
        return (X509CertificateLoader.LoadPkcs12FromFile(path, null), path);
    }

    private static X509Certificate2 LoadConfigured(SeedOptions tls)
    {
        var path = Path.GetFullPath(tls.TlsCertificate);
        if (!File.Exists(path)) throw new IOException($"TLS certificate not found: {path} (flock.seed.tls-certificate)");
        try
        {
            if (path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
                return X509CertificateLoader.LoadPkcs12FromFile(path, tls.TlsPassword.Length > 0 ? tls.TlsPassword : null);
            var pem = X509Certificate2.CreateFromPemFile(path, tls.TlsKey.Length > 0 ? Path.GetFullPath(tls.TlsKey) : null);
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            throw new IOException($"cannot load the TLS certificate {path}: {e.Message}", e);
        }
    }

    private static X509Certificate2 CreateSelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={SelfSignedName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(SelfSignedName);
        names.AddDnsName("localhost");
        if (Uri.CheckHostName(Environment.MachineName) == UriHostNameType.Dns) names.AddDnsName(Environment.MachineName);
        foreach (var address in LocalAddresses()) names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
    }

    private static IEnumerable<IPAddress> LocalAddresses()
    {
        var addresses = new HashSet<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
                foreach (var a in nic.GetIPProperties().UnicastAddresses)
                    if (!a.Address.IsIPv6LinkLocal) addresses.Add(a.Address);
        }
        catch (NetworkInformationException)
        {
            // The loopback names are enough; nodes verify by pinned fingerprint, not by name.
        }
        return addresses;
    }
}
