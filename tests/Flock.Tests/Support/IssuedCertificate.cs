using System.Security.Cryptography.X509Certificates;
using Flock.Messages.Security;

namespace Flock.Tests.Support;

/// <summary>A member certificate with its private key, issued by an authority a test made, as enrollment issues one.</summary>
public static class IssuedCertificate
{
    public static X509Certificate2 From(X509Certificate2 authority, string name)
    {
        var (key, request) = ClusterCertificates.CreateRequest(name);
        using var _ = key;
        using var issued = ClusterCertificates.Issue(authority, CertificateRequest.LoadSigningRequestPem(request, System.Security.Cryptography.HashAlgorithmName.SHA256).PublicKey,
            name, TimeSpan.FromDays(1));
        return ClusterCertificates.WithKey(issued.ExportCertificatePem(), key);
    }
}
