namespace Flock.Messages.Cluster;

/// <summary>
/// Enrollment, over the seed's HTTPS side: a node proves the cluster key (HMAC over nonces from both sides and its
/// public key, the key never sent) and gets a certificate from the cluster's authority for its own key pair (the
/// private key never leaves the node). Only such certificates pass Akka.Remote's TLS handshake.
/// </summary>
public sealed record FetchEnrollmentChallenge;

/// <summary>The seed's half: a one-use nonce, valid for a minute.</summary>
public sealed record EnrollmentChallengeResponse(string SeedNonce, int ProtocolVersion);

/// <param name="CertificateRequest">PKCS#10, PEM.</param>
/// <param name="Proof">HMAC-SHA256(cluster key, "enroll|seedNonce|nodeNonce|name|sha256(request's public key)").</param>
public sealed record EnrollNode(string Name, string SeedNonce, string NodeNonce, string CertificateRequest, string Proof);

/// <param name="Certificate">The node's certificate, PEM.</param>
/// <param name="Authority">The cluster's authority certificate, PEM: the only issuer the node accepts from peers.</param>
/// <param name="SeedAddress">The seed's Akka address (akka.ssl.tcp://flock@host:port): where the node joins the cluster.</param>
/// <param name="Proof">HMAC-SHA256(cluster key, "enrolled|nodeNonce|seedNonce|name|sha256(certificate)|sha256(authority)"): the node checks that the seed knows the key, and that this authority is the cluster's.</param>
public sealed record NodeEnrolledResponse(string Certificate, string Authority, string SeedAddress, string Proof)
{
    /// <summary>
    /// The cluster's Split Brain Resolver stable-after, in seconds (the seed's `unreachable-after`). Whichever member
    /// leads decides the downing, and that may be a node: every member must wait alike. null from an older seed.
    /// </summary>
    public double? StableAfterSeconds { get; init; }
}
