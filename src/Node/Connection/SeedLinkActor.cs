using System.Threading.Channels;
using Akka.Actor;
using Flock.Messages.Cluster;

namespace Flock.Node.Connection;

/// <summary>
/// The node's end of its control session, living in the node's cluster member system: opens the session at the
/// seed's gateway, passes what the session sends into <see cref="SeedConnection"/>'s inbound channel and what the
/// encoder sends to the session. DeathWatch on the session ends the link (the seed stopped it, stopped, or was removed
/// from the cluster), and so does the member system's end: the encoder then joins again.
/// </summary>
internal sealed class SeedLinkActor : ReceiveActor
{
    private readonly string _gatewayPath;
    private readonly ChannelWriter<ControlMessage> _inbound;
    private IActorRef? _session;

    public static Props Props(string gatewayPath, ChannelWriter<ControlMessage> inbound) =>
        Akka.Actor.Props.Create(() => new SeedLinkActor(gatewayPath, inbound));

    public SeedLinkActor(string gatewayPath, ChannelWriter<ControlMessage> inbound)
    {
        _gatewayPath = gatewayPath;
        _inbound = inbound;
        Receive<Outbound>(o => _session?.Tell(o.Message, Self));
        Receive<OutboundAsk>(o => _session?.Tell(o.Message, Sender));
        Receive<Terminated>(t => t.ActorRef.Equals(_session), _ => Context.Stop(Self));
        Receive<ControlMessage>(OnInbound);
    }

    protected override void PreStart() => Context.ActorSelection(_gatewayPath).Tell(new OpenSession(Flock.Messages.Protocol.Version), Self);

    protected override void PostStop() => _inbound.TryComplete();

    private void OnInbound(ControlMessage message)
    {
        if (_session is null)
        {
            switch (message)
            {
                case Challenge:
                    _session = Sender;
                    Context.Watch(_session);
                    break;
                case JoinRejected:
                    // The gateway refused to open a session (over its limit).
                    break;
                default:
                    return;
            }
        }
        else if (!Sender.Equals(_session))
        {
            return;
        }
        _inbound.TryWrite(message);
    }

    /// <summary>From the encoder, to the session (never serialized: it stays in this process).</summary>
    public sealed record Outbound(ControlMessage Message);

    /// <summary>A question for the seed, asked from this member system: the answer goes straight to the asker.</summary>
    public sealed record OutboundAsk(ControlMessage Message);
}
