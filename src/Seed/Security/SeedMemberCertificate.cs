using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Flock.Seed.Security;

/// <summary>How one seed member checks another's web side: both serve the one certificate in the shared dir.</summary>
public static class SeedMemberCertificate
{
    /// <summary>
    /// Accepts exactly the shared certificate (pinned by its SHA-256, as nodes and pbm pin it), or one that a CA this
    /// machine trusts vouches for, when the members were given their own certificates.
    /// </summary>
    public static RemoteCertificateValidationCallback Validator(X509Certificate2? shared) => (_, certificate, _, errors) =>
        errors == SslPolicyErrors.None
        || (shared is not null && certificate is not null
            && certificate.GetCertHashString(HashAlgorithmName.SHA256) == shared.GetCertHashString(HashAlgorithmName.SHA256));
}
