using System.Threading.Channels;
using Akka.Actor;
using Akka.Streams;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Messages.Security;

namespace Flock.Node.Connection;

/// <summary>
/// A joined control session with the seed over Akka.Remote: the handshake is done; messages out go to the seed's
/// session actor through this node's <see cref="SeedLinkActor"/>, messages in arrive in order on one channel.
/// </summary>
public sealed class SeedConnection : IAsyncDisposable
{
    private static readonly TimeSpan MemberTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(20);

    private readonly ActorSystem _system;
    private readonly IActorRef _link;
    private readonly ChannelReader<ControlMessage> _inbound;
    private readonly CancellationTokenSource _ended = new();
    private readonly Lazy<ActorMaterializer> _materializer;

    private SeedConnection(ActorSystem system, IActorRef link, ChannelReader<ControlMessage> inbound, JoinAccepted accepted)
    {
        _system = system;
        _link = link;
        _inbound = inbound;
        Accepted = accepted;
        _materializer = new Lazy<ActorMaterializer>(() => OwnMaterializer(system));
    }

    /// <summary>
    /// A materializer of the session's own, ended with it. Not <c>system.Materializer(namePrefix: ...)</c>: that only
    /// renames the member system's shared default, so ending a session with it stopped every later stream of a member
    /// that outlives its session (one that moves to the next coordinating seed member, and the source relay).
    /// </summary>
    public static ActorMaterializer OwnMaterializer(ActorSystem system) =>
        ActorMaterializer.Create(system, ActorMaterializerSettings.Create(system), "seed-session");

    public JoinAccepted Accepted { get; }

    /// <summary>
    /// How many elements of a result upload this session's link carries in half a second, asked of the seed with each
    /// upload: a new session may be over another link (and a home uplink is slower than its downlink, so not the
    /// source fetches' window).
    /// </summary>
    public StreamWindow UploadWindow { get; } = new();

    /// <summary>
    /// Waits for this node's cluster member, opens a session at the seed's gateway and proves the cluster key. A refusal
    /// throws <see cref="JoinRefusedException"/>: retrying will not help; anything else is worth another try.
    /// </summary>
    public static async Task<SeedConnection> JoinAsync(SeedLink seed, ControlRoute route, ClusterKey key, string name, string ffmpegVersion,
        IReadOnlyList<string> encoders, IReadOnlyList<HeldResult> held, CancellationToken ct)
    {
        // Chunk bytes still travel over the seed's web side: its address and pinned certificate come first.
        try { await seed.ResolveAsync(ct).ConfigureAwait(false); }
        catch (SeedTrustException e) { throw new JoinRefusedException(e.Message); }
        ControlRoute.Route to;
        try { to = await route.WaitAsync(MemberTimeout, ct).ConfigureAwait(false); }
        catch (TimeoutException e) { throw new IOException(e.Message, e); }

        var inbound = Channel.CreateUnbounded<ControlMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        IActorRef link;
        try { link = to.System.ActorOf(SeedLinkActor.Props(to.GatewayPath, inbound.Writer)); }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            throw new IOException($"this node's cluster member is stopping: {e.Message}", e);
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, to.Superseded);
            timeout.CancelAfter(HandshakeTimeout);
            Challenge challenge;
            switch (await NextAsync(inbound.Reader, timeout.Token).ConfigureAwait(false))
            {
                case Challenge c:
                    challenge = c;
                    break;
                case JoinRejected { Retry: true } busy:
                    throw new IOException(busy.Reason);
                case JoinRejected rejected:
                    throw new JoinRefusedException($"the seed refused this node: {rejected.Reason}");
                default:
                    throw new IOException("the seed did not send a challenge");
            }
            if (challenge.ProtocolVersion != Protocol.Version)
                throw new JoinRefusedException($"the seed speaks protocol {challenge.ProtocolVersion}, this node {Protocol.Version}: upgrade one of them");
            var nodeNonce = ClusterKey.NewNonce();
            link.Tell(new SeedLinkActor.Outbound(new JoinCluster(Protocol.Version, name, nodeNonce, key.NodeProof(challenge.SeedNonce, nodeNonce, name),
                ffmpegVersion, encoders, Environment.ProcessorCount, held)));
            switch (await NextAsync(inbound.Reader, timeout.Token).ConfigureAwait(false))
            {
                case JoinAccepted accepted when ClusterKey.FixedEquals(accepted.Proof, key.SeedProof(challenge.SeedNonce, nodeNonce, name)):
                    return new SeedConnection(to.System, link, inbound.Reader, accepted);
                case JoinAccepted:
                    throw new JoinRefusedException("the seed does not know the cluster key: refusing to work for it");
                case JoinRejected rejected:
                    throw new JoinRefusedException($"the seed refused this node: {rejected.Reason}");
                default:
                    throw new IOException("unexpected answer to join-cluster");
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            to.System.Stop(link);
            throw new IOException(to.Superseded.IsCancellationRequested
                ? "the seed member it asked no longer coordinates; asking the one that does"
                : $"the seed did not answer within {HandshakeTimeout.TotalSeconds:0}s");
        }
        catch
        {
            to.System.Stop(link);
            throw;
        }
    }

    /// <returns>the next message; null when the link ended.</returns>
    private static async Task<ControlMessage?> NextAsync(ChannelReader<ControlMessage> reader, CancellationToken ct)
    {
        try { return await reader.ReadAsync(ct).ConfigureAwait(false); }
        catch (ChannelClosedException) { return null; }
    }

    /// <summary>The member system the session runs from: where streams of chunk bytes are materialized.</summary>
    public ActorSystem System => _system;

    /// <summary>Where this session's own streams (results sent to the seed) run: they end with it.</summary>
    public IMaterializer Materializer => _materializer.Value;

    /// <summary>Cancelled once this session is given up: what runs over it stops waiting for answers that cannot come.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>Asks the seed's session; the answer comes from the member system's temporary asker, over the same transport.</summary>
    public Task<T> AskAsync<T>(ControlMessage question, TimeSpan timeout, CancellationToken ct) =>
        _link.Ask<T>(new SeedLinkActor.OutboundAsk(question), timeout, ct);

    public bool Send(ControlMessage message)
    {
        _link.Tell(new SeedLinkActor.Outbound(message), ActorRefs.NoSender);
        return true;
    }

    /// <returns>the next message, or null once the session ended (the seed stopped it, or this member was downed).</returns>
    public Task<ControlMessage?> ReceiveAsync(CancellationToken ct) => NextAsync(_inbound, ct);

    public ValueTask DisposeAsync()
    {
        if (!_ended.IsCancellationRequested) _ended.Cancel();
        if (_materializer.IsValueCreated) _materializer.Value.Dispose();
        // After what was sent before (a leave): the seed's session then sees the link stop (DeathWatch) and releases
        // what this node held.
        if (!_system.WhenTerminated.IsCompleted) _link.Tell(PoisonPill.Instance);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The seed said no (wrong key, wrong protocol, bad name): reconnecting would only repeat it.</summary>
public sealed class JoinRefusedException(string message) : Exception(message);
