using System.Net.Security;

namespace Flock.Messages.Security;

/// <summary>
/// How nodes and pbm reach a seed: HTTPS with the seed's certificate pinned in <see cref="KnownSeeds"/>. For a bare
/// HOST:PORT, TLS is used when the seed offers it; plain HTTP only when it does not and the seed was never pinned
/// (a pinned seed that stops offering TLS is refused, so a man in the middle cannot downgrade the connection).
/// </summary>
public static class SeedEndpoint
{
    public static string HostPort(Uri uri) => $"{uri.Host}:{uri.Port}";

    /// <summary>The certificate check for one seed, for its HttpClient.</summary>
    public static RemoteCertificateValidationCallback Validator(KnownSeeds trust, Uri seed)
    {
        var hostPort = HostPort(seed);
        return (_, certificate, _, _) => trust.Check(hostPort, certificate);
    }

    public static SocketsHttpHandler Handler(KnownSeeds trust, Uri seed) => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Validator(trust, seed) },
    };

    /// <summary>The address <see cref="ResolveAsync"/> contacts first: https:// unless the user typed http://.</summary>
    public static Uri FirstTried(Uri address, bool schemeGiven) =>
        schemeGiven && address.Scheme == Uri.UriSchemeHttp ? address : new UriBuilder(address) { Scheme = Uri.UriSchemeHttps, Port = address.Port }.Uri;

    /// <param name="address">The seed's base address, http:// when the user typed no scheme.</param>
    /// <param name="schemeGiven">Whether the user typed http:// or https:// (then it is used as is).</param>
    /// <exception cref="SeedTrustException">the certificate is not the pinned one, or a pinned seed stopped offering TLS.</exception>
    /// <exception cref="HttpRequestException">the seed cannot be reached.</exception>
    public static async Task<Uri> ResolveAsync(Uri address, bool schemeGiven, KnownSeeds trust, CancellationToken ct)
    {
        var https = FirstTried(address, schemeGiven);
        if (https.Scheme == Uri.UriSchemeHttp) return address;
        using var client = new HttpClient(Handler(trust, https)) { Timeout = TimeSpan.FromSeconds(20) };
        try
        {
            // Any HTTP answer at all means the TLS handshake, and so the certificate check, succeeded.
            using var _ = await client.GetAsync(new Uri(https, "healthz"), ct).ConfigureAwait(false);
            return https;
        }
        catch (HttpRequestException) when (trust.LastRefusal is { } refusal)
        {
            throw new SeedTrustException(refusal);
        }
        catch (HttpRequestException e) when (!schemeGiven && e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            var hostPort = HostPort(https);
            if (trust.PinnedFor(hostPort) is { } pinned)
                throw new SeedTrustException($"the seed at {hostPort} is pinned ({pinned}) but no longer offers TLS: refusing plain HTTP (remove its line from {trust.Path} if this is intended)");
            return address;
        }
    }
}

/// <summary>The seed could not be trusted: retrying will not help.</summary>
public sealed class SeedTrustException(string message) : Exception(message);
