using Flock.Seed.Metrics;
using Flock.Seed.Options;

namespace Flock.Seed.Hosting;

/// <summary>What the seed's actors are built from: its options, its data directory (resolved) and the shared metrics.</summary>
public sealed record SeedContext(SeedOptions Options, string DataDir, SeedMetrics Metrics, TimeProvider Clock)
{
    public string JobsDirectory => Path.Combine(DataDir, "jobs");
}
