using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Flock.Messages.Security;

/// <summary>How a seed's certificate is named when pinned and shown: "SHA256:" and the hex SHA-256 of its DER bytes.</summary>
public static class CertificateFingerprint
{
    public const string Prefix = "SHA256:";

    public static string Of(X509Certificate certificate) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData()));

    /// <summary>Accepts "SHA256:hex", bare hex, upper case and colon-separated hex (as openssl prints it).</summary>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        if (t.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) t = t[Prefix.Length..];
        t = t.Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
        return t.Length == 64 && t.All(Uri.IsHexDigit) ? Prefix + t : null;
    }
}
