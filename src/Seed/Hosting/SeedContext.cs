using Flock.Messages.Cluster;
using Flock.Seed.Metrics;
using Flock.Seed.Options;

namespace Flock.Seed.Hosting;

/// <summary>What the seed's actors are built from: its options, its data directory (resolved), the shared metrics, the key nodes prove.</summary>
/// <param name="Transport">null: no Akka.Remote (the embedded cluster of `flock encode`, whose nodes share the seed's system).</param>
public sealed record SeedContext(SeedOptions Options, string DataDir, SeedMetrics Metrics, TimeProvider Clock, ClusterKey Key, Security.AuthFailures AuthFailures,
    ClusterTransport? Transport = null)
{
    public string JobsDirectory => Path.Combine(DataDir, "jobs");
}
