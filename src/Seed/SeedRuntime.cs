using Akka.Actor;
using Akka.Hosting;
using Flock.Messages.Cluster;
using Flock.Seed.Cluster;
using Flock.Seed.Jobs;
using Flock.Seed.Metrics;
using Flock.Seed.Options;

namespace Flock.Seed;

/// <summary>What the HTTP endpoints need from the running seed; they reach the actors through Akka.Hosting's registry.</summary>
public sealed record SeedRuntime(SeedOptions Options, ClusterKey Key, IRequiredActor<JobsActor> JobsActor, IRequiredActor<ClusterActor> ClusterActor,
    string DataDir, SeedMetrics Metrics, Security.ApiTokens Tokens, Security.AuthFailures AuthFailures,
    Security.ClusterAuthority? Authority = null, Func<string?>? ClusterAddress = null)
{
    /// <summary>The seed member's Akka address (akka.ssl.tcp://flock@host:port); null without a cluster transport.</summary>
    public string? MemberAddress() => ClusterAddress?.Invoke();

    public Security.MediaRoots MediaRoots { get; } = new(Options.MediaRoots);

    /// <summary>The queue; only asked once the ActorSystem runs (requests are served after it started).</summary>
    public IActorRef Jobs => JobsActor.ActorRef;

    public IActorRef Cluster => ClusterActor.ActorRef;

    public string UploadsDirectory => Path.Combine(DataDir, "uploads");

    public string JobsDirectory => Path.Combine(DataDir, "jobs");
}
