using Flock.Actors;
using Flock.Messages.Cluster;
using Flock.Seed.Metrics;
using Flock.Seed.Options;

namespace Flock.Seed;

/// <summary>What the HTTP endpoints need from the running seed.</summary>
public sealed record SeedRuntime(SeedOptions Options, ClusterKey Key, ActorSystem System, ActorRef Jobs, ActorRef Cluster, string DataDir, SeedMetrics Metrics)
{
    public string UploadsDirectory => Path.Combine(DataDir, "uploads");

    public string JobsDirectory => Path.Combine(DataDir, "jobs");
}
