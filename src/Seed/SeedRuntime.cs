using Flock.Actors;
using Flock.Messages.Cluster;
using Flock.Seed.Metrics;
using Flock.Seed.Options;

namespace Flock.Seed;

/// <summary>What the HTTP endpoints need from the running seed.</summary>
public sealed record SeedRuntime(SeedOptions Options, ClusterKey Key, ActorSystem System, ActorRef Jobs, ActorRef Cluster, string DataDir, SeedMetrics Metrics,
    Security.ApiTokens Tokens, Security.AuthFailures AuthFailures)
{
    public Security.MediaRoots MediaRoots { get; } = new(Options.MediaRoots);

    public string UploadsDirectory => Path.Combine(DataDir, "uploads");

    public string JobsDirectory => Path.Combine(DataDir, "jobs");
}
