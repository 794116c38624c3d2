using Akka.Actor;
using Flock.Messages.Cluster;
using Flock.Seed.Security;
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

    public static Props Props(ClusterKey key, IActorRef cluster, TimeSpan heartbeatInterval, AuthFailures failures, int maxSessions, ILoggerFactory logs) =>
        Akka.Actor.Props.Create(() => new NodeGatewayActor(key, cluster, heartbeatInterval, failures, maxSessions, logs));

    public NodeGatewayActor(ClusterKey key, IActorRef cluster, TimeSpan heartbeatInterval, AuthFailures failures, int maxSessions, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("flock.seed.nodes");
        var opened = 0L;
        Receive<OpenSession>(_ =>
        {
            var address = NodeSessionActor.AddressOf(Sender);
            if (Context.GetChildren().Count() >= maxSessions)
            {
                log.LogWarning("refused a node connection from {Address}: {Max} already open (flock.seed.max-node-connections)", address, maxSessions);
                Sender.Tell(new JoinRejected($"the seed has as many nodes as it accepts ({maxSessions}, flock.seed.max-node-connections)", Retry: true));
                return;
            }
            Context.ActorOf(NodeSessionActor.Props(Sender, key, cluster, heartbeatInterval, failures, log), $"session-{++opened}");
        });
    }
}
