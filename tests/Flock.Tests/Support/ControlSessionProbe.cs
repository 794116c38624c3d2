using System.Threading.Channels;
using Akka.Actor;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Node.Connection;

namespace Flock.Tests.Support;

/// <summary>
/// A control session driven by hand from a test's <see cref="MemberSystem"/>: what a node's seed link does, step by
/// step, so a test can also send what a node never would.
/// </summary>
public sealed class ControlSessionProbe
{
    private readonly Channel<(object Message, IActorRef Sender)> _inbox = Channel.CreateUnbounded<(object, IActorRef)>();

    private ControlSessionProbe(MemberSystem member, string seedAddress, string name)
    {
        Self = member.System.ActorOf(Props.Create(() => new Recorder(_inbox.Writer)), name);
        Gateway = member.System.ActorSelection(ControlRoute.RemoteGateway(seedAddress));
    }

    /// <summary>The actor every answer comes to.</summary>
    public IActorRef Self { get; }

    public ActorSelection Gateway { get; }

    /// <param name="seedAddress">The seed member's Akka address, from enrollment.</param>
    public static ControlSessionProbe Start(MemberSystem member, string seedAddress, string name) => new(member, seedAddress, name);

    /// <returns>the challenge and the session actor that sent it.</returns>
    public async Task<(Challenge Challenge, IActorRef Session)> OpenAsync()
    {
        Gateway.Tell(new OpenSession(Protocol.Version), Self);
        return await NextAsync<Challenge>();
    }

    /// <summary>Opens a session and proves <paramref name="key"/> as a node named <paramref name="name"/> would.</summary>
    public async Task<IActorRef> JoinAsync(ClusterKey key, string name)
    {
        var (challenge, session) = await OpenAsync();
        session.Tell(new JoinCluster(Protocol.Version, name, "n0", key.NodeProof(challenge.SeedNonce, "n0", name), "5", ["libx264"], 1, []), Self);
        await NextAsync<JoinAccepted>();
        return session;
    }

    /// <summary>The next message that is not a heartbeat answer; it must be a <typeparamref name="T"/>.</summary>
    public async Task<(T Message, IActorRef Sender)> NextAsync<T>()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var (message, sender) = await _inbox.Reader.ReadAsync(timeout.Token);
            if (message is Heartbeat && typeof(T) != typeof(Heartbeat)) continue;
            return message is T t ? (t, sender) : throw new Xunit.Sdk.XunitException($"expected {typeof(T).Name}, got {message}");
        }
    }

    /// <summary>How many heartbeat answers have arrived since the last call (other messages are dropped).</summary>
    public int DrainHeartbeats()
    {
        var count = 0;
        while (_inbox.Reader.TryRead(out var item)) if (item.Message is Heartbeat) count++;
        return count;
    }

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(ChannelWriter<(object, IActorRef)> inbox) => ReceiveAny(m => inbox.TryWrite((m, Sender)));
    }
}
