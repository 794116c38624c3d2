using System.Security.Cryptography.X509Certificates;

namespace Flock.Seed.Hosting;

/// <summary>
/// How a member's ActorSystem takes part in the Akka cluster: Akka.Remote over mutual TLS with a certificate from the
/// cluster's authority, its roles, and whom it joins.
/// </summary>
/// <param name="BindHost">The interface Akka.Remote listens on (0.0.0.0: all).</param>
/// <param name="PublicHost">The host other members reach it by: part of its address, so it must be what they dial.</param>
/// <param name="Port">0: any free port.</param>
/// <param name="CheckPeer">null when a peer's certificate is acceptable, else why not; run in every handshake, both ways.</param>
/// <param name="JoinAddress">The seed member to join; null for the seed itself, which forms the cluster.</param>
/// <param name="StableAfter">How long membership must be stable before the Split Brain Resolver downs the unreachable.</param>
/// <param name="SeedNodes">The running seed members a further seed member joins (Akka tries each); null: <paramref name="JoinAddress"/>.</param>
/// <param name="RemovalMargin">How long a new oldest `seed` member waits, once the lost one is removed, before it starts the singleton; null: Akka's (stable-after).</param>
/// <param name="PublicPort">The port in its address when others dial another than <paramref name="Port"/> (a port forward); null: Port.</param>
public sealed record ClusterTransport(
    string BindHost,
    string PublicHost,
    int Port,
    X509Certificate2 Certificate,
    Func<X509Certificate2, string?> CheckPeer,
    IReadOnlyList<string> Roles,
    string? JoinAddress,
    TimeSpan StableAfter,
    int? PublicPort = null,
    IReadOnlyList<string>? SeedNodes = null,
    TimeSpan? RemovalMargin = null)
{
    public const string SeedRole = "seed";
    public const string EncoderRole = "encoder";
}
