using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Flock.Messages.Security;

namespace Flock.Node.Connection;

/// <summary>A node's certificate from the cluster's authority, for a key made here, and where to join.</summary>
/// <param name="StableAfter">The seed's Split Brain Resolver stable-after, which this member's must equal; null from an older seed.</param>
public sealed record Enrollment(X509Certificate2 Certificate, X509Certificate2 Authority, string SeedAddress, TimeSpan? StableAfter = null) : IDisposable
{
    /// <returns>null when a peer's certificate was issued by this cluster's authority, else why not.</returns>
    public string? CheckPeer(X509Certificate2 presented) => ClusterCertificates.CheckIssuedBy(presented, Authority);

    public void Dispose()
    {
        Certificate.Dispose();
        Authority.Dispose();
    }
}

/// <summary>
/// Enrollment over the seed's web side (its pinned certificate checked as for every request): prove the cluster key
/// for a fresh key pair, get a certificate, check the seed knew the key too.
/// </summary>
public static class ClusterEnrollment
{
    private static readonly TimeSpan EnrollTimeout = TimeSpan.FromSeconds(10);

    /// <returns>null when the seed runs no cluster transport (an embedded cluster): the control channel is all there is.</returns>
    /// <exception cref="JoinRefusedException">wrong key, or a seed that does not know it: asking again will not help.</exception>
    public static async Task<Enrollment?> EnrollAsync(SeedLink seed, ClusterKey key, string name, CancellationToken cancel)
    {
        // The link's client waits half an hour for chunk results; a seed member whose network went silent under a pooled
        // connection would hold enrollment as long. Past this, the next seed address is tried.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(EnrollTimeout);
        var ct = timeout.Token;
        try { await seed.ResolveAsync(ct).ConfigureAwait(false); }
        catch (SeedTrustException e) { throw new JoinRefusedException(e.Message); }
        // Both requests go to the member resolved here, whatever another caller does with the link meanwhile.
        var (at, http) = (seed.BaseUri, seed.Http);
        using var challengeReply = await http.PostAsync(new Uri(at, "/api/cluster/challenge"), null, ct).ConfigureAwait(false);
        if (SeedUnavailableException.IsStatus((int)challengeReply.StatusCode))
            throw new SeedUnavailableException($"enrollment challenge: HTTP {(int)challengeReply.StatusCode} from {at}");
        if (!challengeReply.IsSuccessStatusCode) throw new IOException($"enrollment challenge: HTTP {(int)challengeReply.StatusCode}");
        var challenge = await challengeReply.Content.ReadFromJsonAsync<EnrollmentChallengeResponse>(WireJson.Options, ct).ConfigureAwait(false)
            ?? throw new IOException("empty enrollment challenge");
        if (challenge.ProtocolVersion != Protocol.Version)
            throw new JoinRefusedException($"the seed speaks protocol {challenge.ProtocolVersion}, this node {Protocol.Version}: upgrade one of them");

        var (privateKey, requestPem) = ClusterCertificates.CreateRequest(name);
        using (privateKey)
        {
            var nodeNonce = ClusterKey.NewNonce();
            var keyDigest = ClusterCertificates.Digest(privateKey.ExportSubjectPublicKeyInfo());
            var request = new EnrollNode(name, challenge.SeedNonce, nodeNonce, requestPem, key.EnrollProof(challenge.SeedNonce, nodeNonce, name, keyDigest));
            using var reply = await http.PostAsJsonAsync(new Uri(at, "/api/cluster/enroll"), request, WireJson.Options, ct).ConfigureAwait(false);
            if ((int)reply.StatusCode == 409) return null;
            if (SeedUnavailableException.IsStatus((int)reply.StatusCode))
                throw new SeedUnavailableException($"enrollment: HTTP {(int)reply.StatusCode} from {at}: {await ErrorOf(reply, ct).ConfigureAwait(false)}");
            if (!reply.IsSuccessStatusCode)
            {
                var error = await ErrorOf(reply, ct).ConfigureAwait(false);
                if ((int)reply.StatusCode is 400 or 403) throw new JoinRefusedException($"the seed refused this node's enrollment: {error}");
                throw new IOException($"enrollment: HTTP {(int)reply.StatusCode}: {error}");
            }
            var enrolled = await reply.Content.ReadFromJsonAsync<NodeEnrolledResponse>(WireJson.Options, ct).ConfigureAwait(false)
                ?? throw new IOException("empty enrollment answer");
            var authority = X509Certificate2.CreateFromPem(enrolled.Authority);
            using var issued = X509Certificate2.CreateFromPem(enrolled.Certificate);
            var expected = key.EnrolledProof(challenge.SeedNonce, nodeNonce, name, ClusterCertificates.Digest(issued.RawData), ClusterCertificates.Digest(authority.RawData));
            if (!ClusterKey.FixedEquals(enrolled.Proof, expected))
            {
                authority.Dispose();
                throw new JoinRefusedException("the seed does not know the cluster key: refusing to enroll with it");
            }
            if (ClusterCertificates.CheckIssuedBy(issued, authority) is { } wrong)
            {
                authority.Dispose();
                throw new JoinRefusedException($"the seed's certificate for this node is {wrong}");
            }
            return new Enrollment(ClusterCertificates.WithKey(enrolled.Certificate, privateKey), authority, enrolled.SeedAddress,
                enrolled.StableAfterSeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : null);
        }
    }

    private static async Task<string> ErrorOf(HttpResponseMessage reply, CancellationToken ct)
    {
        try { return (await reply.Content.ReadFromJsonAsync<ErrorResponse>(WireJson.Options, ct).ConfigureAwait(false))?.Error ?? reply.ReasonPhrase ?? ""; }
        catch (System.Text.Json.JsonException) { return reply.ReasonPhrase ?? ""; }
    }
}
