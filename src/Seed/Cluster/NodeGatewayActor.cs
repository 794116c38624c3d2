using Akka.Actor;
using Flock.Messages.Cluster;
using Flock.Seed.Metrics;
using Flock.Seed.Security;
using Flock.Seed.Transfers;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Cluster;

/// <summary>
/// Where a node's seed link opens its control session: one <see cref="NodeSessionActor"/> per link, up to
/// <c>flock.seed.max-node-connections</c>. Reached over Akka.Remote, so only a member holding a certificate from the
/// cluster's authority gets this far; the session then asks for the cluster key proof as well.
/// </summary>
public sealed class NodeGatewayActor : ReceiveActor
{
    public const string ActorName = Flock.Messages.Protocol.NodeGatewayName;

    /// <param name="jobs">the queue, asked for a job's source file when a node reads it.</param>
    /// <param name="results">where the chunk results nodes send are received.</param>
    /// <param name="coordinates">whether this seed member coordinates now; only the coordinator takes sessions.</param>
    public static Props Props(ClusterKey key, IActorRef cluster, IActorRef jobs, ResultStreams results, SeedMetrics metrics, TimeSpan heartbeatInterval, AuthFailures failures, int maxSessions,
        ILoggerFactory logs, Func<bool>? coordinates = null) =>
        Akka.Actor.Props.Create(() => new NodeGatewayActor(key, cluster, jobs, results, metrics, heartbeatInterval, failures, maxSessions, logs, coordinates ?? (() => true)));

    public NodeGatewayActor(ClusterKey key, IActorRef cluster, IActorRef jobs, ResultStreams results, SeedMetrics metrics, TimeSpan heartbeatInterval, AuthFailures failures, int maxSessions,
        ILoggerFactory logs, Func<bool> coordinates)
    {
        var log = logs.CreateLogger("flock.seed.nodes");
        var opened = 0L;
        var stopping = false;
        Receive<OpenSession>(_ =>
        {
            var address = NodeSessionActor.AddressOf(Sender);
            if (stopping)
            {
                // Its sessions were just ended; one opened now would end with the seed moments later.
                Sender.Tell(new JoinRejected("this seed member is stopping", Retry: true));
                return;
            }
            if (!coordinates())
            {
                log.LogInformation("turned away a node session from {Address}: this seed member stands by", address);
                Sender.Tell(new JoinRejected("this seed member stands by (another coordinates the cluster): enroll again to reach the coordinator", Retry: true));
                return;
            }
            if (Context.GetChildren().Count() >= maxSessions)
            {
                log.LogWarning("refused a node connection from {Address}: {Max} already open (flock.seed.max-node-connections)", address, maxSessions);
                Sender.Tell(new JoinRejected($"the seed has as many nodes as it accepts ({maxSessions}, flock.seed.max-node-connections)", Retry: true));
                return;
            }
            Context.ActorOf(NodeSessionActor.Props(Sender, key, cluster, jobs, results, metrics, heartbeatInterval, failures, log), $"session-{++opened}");
        });
        Receive<SeedStopping>(_ =>
        {
            stopping = true;
            foreach (var session in Context.GetChildren()) session.Tell(NodeSessionActor.SeedStopping.Instance);
            Sender.Tell(Akka.Done.Instance);
        });
    }

    /// <summary>
    /// Registers ending every session when the seed stops (coordinated shutdown, before the cluster is left): each node
    /// hears at once that its session ended and joins again with backoff, and the seed records why they are gone.
    /// </summary>
    public static void EndSessionsOnShutdown(ActorSystem system, IActorRef gateway) =>
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "end-node-sessions", async () =>
        {
            try { await gateway.Ask<Akka.Done>(new SeedStopping(), TimeSpan.FromSeconds(3)).ConfigureAwait(false); }
            catch (AskTimeoutException) { }
            return Akka.Done.Instance;
        });

    private sealed record SeedStopping;
}
