using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Seed.Hosting;
using Flock.Seed.Options;
using Flock.Seed.Security;

namespace Flock.Seed.Cluster;

/// <summary>
/// The Akka addresses a further seed member joins: the `seed` members the running ones report on their web side
/// (`GET /api/cluster`, with the shared admin token), asked at the configured peers and at every member the shared
/// dir records. Akka's own join then tries them all and takes the first that welcomes it.
/// </summary>
public static class SeedPeers
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <returns>empty when no peer is configured and no recorded member answers: this member forms the cluster.</returns>
    /// <exception cref="IOException">peers are configured and none of them answers.</exception>
    public static async Task<IReadOnlyList<string>> JoinAddressesAsync(SeedOptions options, SeedMemberRegistry registry, string adminToken, X509Certificate2? sharedCertificate,
        CancellationToken ct)
    {
        var configured = options.Peers.Select(p => UrlOf(p, options.Tls)).ToList();
        var candidates = configured.Concat(registry.All().Select(e => Uri.TryCreate(e.Url, UriKind.Absolute, out var u) ? u : null).OfType<Uri>())
            .DistinctBy(u => u.ToString()).ToList();
        var answers = await Task.WhenAll(candidates.Select(c => SeedMembersAtAsync(c, adminToken, sharedCertificate, ct))).ConfigureAwait(false);
        var addresses = answers.SelectMany(a => a).Distinct(StringComparer.Ordinal).ToList();
        if (configured.Count > 0 && addresses.Count == 0)
            throw new IOException($"no seed member answered at {string.Join(", ", configured)} (flock.seed.peers, --peer): start the first seed member without peers, or name one that runs");
        return addresses;
    }

    /// <summary>HOST:PORT as the seed's own scheme has it, or a full URL.</summary>
    public static Uri UrlOf(string peer, bool tls)
    {
        var text = peer.Trim();
        var candidate = text.Contains("://", StringComparison.Ordinal) ? text : (tls ? "https://" : "http://") + text;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
            throw new ArgumentException($"invalid seed peer '{peer}' (expected HOST:PORT or an http(s):// URL)");
        return url;
    }

    private static async Task<IReadOnlyList<string>> SeedMembersAtAsync(Uri peer, string adminToken, X509Certificate2? sharedCertificate, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = SeedMemberCertificate.Validator(sharedCertificate) },
        };
        using var http = new HttpClient(handler) { Timeout = AskTimeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(peer, "/api/cluster"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        try
        {
            using var reply = await http.SendAsync(request, ct).ConfigureAwait(false);
            if (!reply.IsSuccessStatusCode) return [];
            var cluster = await reply.Content.ReadFromJsonAsync<ClusterResponse>(WireJson.Options, ct).ConfigureAwait(false);
            return cluster?.Members?.Where(m => m.Roles.Contains(ClusterTransport.SeedRole) && m.Status == MemberStatus.Up).Select(m => m.Address).ToList() ?? [];
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Text.Json.JsonException)
        {
            return [];
        }
    }
}
