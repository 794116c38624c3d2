using System.Net;
using Akka.Actor;
using Flock.Messages;
using Flock.Messages.Cluster;
using Akka.Streams;
using Flock.Messages.Chunks;
using Flock.Seed.Jobs;
using Flock.Seed.Metrics;
using Flock.Seed.Security;
using Flock.Seed.Transfers;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Cluster;

/// <summary>
/// One node's control session: challenge, join, then every message from the node's link to the cluster actor and
/// back. DeathWatch on the link ends the session: the link stopped (the node left or restarted) or its member was
/// removed from the cluster (downed after being unreachable), and the node's chunks go back.
/// </summary>
public sealed class NodeSessionActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(15);

    private readonly IActorRef _link;
    private readonly ClusterKey _key;
    private readonly IActorRef _cluster;
    private readonly IActorRef _jobs;
    private readonly ResultStreams _results;
    private readonly SeedMetrics _metrics;
    private readonly TimeSpan _heartbeatInterval;
    private readonly AuthFailures _failures;
    private readonly ILogger _log;
    private readonly string _address;
    private readonly string _seedNonce = ClusterKey.NewNonce();
    private readonly CancellationTokenSource _stop = new();

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef link, ClusterKey key, IActorRef cluster, IActorRef jobs, ResultStreams results, SeedMetrics metrics, TimeSpan heartbeatInterval, AuthFailures failures,
        ILogger log) =>
        Akka.Actor.Props.Create(() => new NodeSessionActor(link, key, cluster, jobs, results, metrics, heartbeatInterval, failures, log));

    public NodeSessionActor(IActorRef link, ClusterKey key, IActorRef cluster, IActorRef jobs, ResultStreams results, SeedMetrics metrics, TimeSpan heartbeatInterval, AuthFailures failures,
        ILogger log)
    {
        _link = link;
        _key = key;
        _cluster = cluster;
        _jobs = jobs;
        _results = results;
        _metrics = metrics;
        _heartbeatInterval = heartbeatInterval;
        _failures = failures;
        _log = log;
        _address = AddressOf(link);
        AwaitingJoin();
    }

    /// <summary>The link's member address (host:port) for logs and `cluster show`; "local" for a node in the seed's own process.</summary>
    public static string AddressOf(IActorRef link) => AddressOf(link.Path.Address);

    /// <summary>A member's address as sessions are known by: host:port, or "local" for one without a network address.</summary>
    public static string AddressOf(Address member) => member is { Host: { } host, Port: { } port } ? $"{host}:{port}" : "local";

    protected override void PreStart()
    {
        Context.Watch(_link);
        // A node whose process died closes its connection at once (its kernel resets it): that is the node gone, as a
        // closed socket was, without waiting for its member to be found unreachable, downed and removed.
        if (_link.Path.Address.HasGlobalScope) Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.DisassociatedEvent));
        _link.Tell(new Challenge(_seedNonce, Protocol.Version));
        Timers.StartSingleTimer("join", new JoinTimedOut(), JoinTimeout);
    }

    protected override void PostStop()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private void AwaitingJoin()
    {
        Receive<JoinCluster>(_ => Sender.Equals(_link), OnJoin);
        Receive<JoinTimedOut>(_ => Reject("expected join-cluster within 15s"));
        Receive<WrongKey>(w => Reject(w.Reason));
        Receive<Terminated>(_ => Context.Stop(Self));
        Receive<SeedStopping>(_ => Context.Stop(Self));
        Receive<Akka.Remote.DisassociatedEvent>(e => e.RemoteAddress.Equals(_link.Path.Address), _ => Context.Stop(Self));
        // Nothing but a join counts before the key is proven: no work, no reports.
        ReceiveAny(_ => { });
    }

    private void OnJoin(JoinCluster join)
    {
        Timers.Cancel("join");
        if (join.ProtocolVersion != Protocol.Version)
        {
            Reject($"protocol version {join.ProtocolVersion} is not supported (seed speaks {Protocol.Version})");
            return;
        }
        if (!NodeNames.IsValid(join.Name))
        {
            Reject(NodeNames.Rule);
            return;
        }
        if (!ClusterKey.FixedEquals(join.Proof, _key.NodeProof(_seedNonce, join.NodeNonce, join.Name)))
        {
            _log.LogWarning("node {Node} from {Address} refused: wrong cluster key", join.Name, _address);
            PenalizeAsync().PipeTo(Self);
            Become(() =>
            {
                Receive<WrongKey>(w => Reject(w.Reason));
                Receive<Terminated>(_ => Context.Stop(Self));
                ReceiveAny(_ => { });
            });
            return;
        }

        var sessionId = Guid.NewGuid().ToString("N");
        var link = _link;
        var self = Self;
        // Tell is thread-safe and never blocks: actors that hold the handle send straight to the node's link.
        var handle = new NodeHandle(join.Name, sessionId, join.Encoders, m =>
        {
            link.Tell(m, self);
            return true;
        });
        _link.Tell(new JoinAccepted(join.Name, _key.SeedProof(_seedNonce, join.NodeNonce, join.Name), _heartbeatInterval));
        _cluster.Tell(new NodeConnected(handle, _address, join.Cores, join.FfmpegVersion, join.HeldResults));
        Become(() => Joined(join.Name, sessionId));
    }

    private void Joined(string name, string sessionId)
    {
        Receive<Terminated>(t => t.ActorRef.Equals(_link), _ =>
        {
            _cluster.Tell(new NodeDisconnected(name, sessionId, "the node's control link ended"));
            Context.Stop(Self);
        });
        Receive<Akka.Remote.DisassociatedEvent>(e => e.RemoteAddress.Equals(_link.Path.Address), _ =>
        {
            _cluster.Tell(new NodeDisconnected(name, sessionId, "its connection closed"));
            Context.Stop(Self);
        });
        // The node's link sees this session stop and joins again with backoff.
        Receive<SeedStopping>(_ =>
        {
            _cluster.Tell(new NodeDisconnected(name, sessionId, "seed stopping", Ordinary: true));
            Context.Stop(Self);
        });
        // Asked from the node's side of the link (its reads of a source, its results), answered to whoever asked there.
        // The streams are this session's children: they end with it.
        var materializer = Context.Materializer();
        Receive<FetchSourceBytes>(_ => FromNode(), fetch => SourceStreams.OfferAsync(fetch, _jobs, materializer, _metrics).PipeTo(Sender));
        Receive<SendChunkResult>(_ => FromNode(), send => _results.OfferAsync(send, name, UploadMaterializer(send.Window, materializer)).PipeTo(Sender));
        Receive<FetchChunkResultOutcome>(_ => FromNode(), fetch => _results.OutcomeAsync(fetch, name).PipeTo(Sender));
        // A two-pass chunk between its passes: the seed shares the file's bits by what its first pass spent.
        Receive<FetchSecondPassRate>(_ => FromNode(), fetch => _jobs.Ask<FetchSecondPassRateResponse>(
                new MeasureFirstPass(fetch.JobId, fetch.ChunkIndex, fetch.Attempt, name, fetch.Weight, fetch.RateWanted, fetch.Model, fetch.MayRunFirstPassAgain), TimeSpan.FromSeconds(30))
            .PipeTo(Sender, failure: _ => new FetchSecondPassRateResponse(null)));
        Receive<ControlMessage>(_ => Sender.Equals(_link), message =>
        {
            // Answering each heartbeat lets the node tell a silent seed (a partition) from a quiet one.
            if (message is Heartbeat) _link.Tell(new Heartbeat(DateTimeOffset.UtcNow));
            _cluster.Tell(new NodeMessage(name, sessionId, message));
        });
    }

    /// <summary>Asked from the node's member (a temporary asker there), not only told by its link.</summary>
    private bool FromNode() => Sender.Path.Address.Equals(_link.Path.Address);

    private readonly Dictionary<int, IMaterializer> _uploadMaterializers = [];

    /// <summary>
    /// A result stream's window is its SinkRef's buffer, which is its materializer's setting: the narrowest is the
    /// session's own (the configured buffer-capacity), each wider one a materializer of this session's, made once.
    /// </summary>
    private IMaterializer UploadMaterializer(int asked, IMaterializer narrowest)
    {
        var elements = ChunkStreams.Window(asked);
        if (elements == ChunkStreams.NarrowestWindow) return narrowest;
        if (!_uploadMaterializers.TryGetValue(elements, out var materializer))
            _uploadMaterializers[elements] = materializer = ActorMaterializer.Create(Context, ChunkStreams.WithWindow(Context.System, elements), "result-upload");
        return materializer;
    }

    private async Task<WrongKey> PenalizeAsync()
    {
        var remote = IPAddress.TryParse(_link.Path.Address.Host, out var ip) ? ip : null;
        var throttled = await _failures.FailAsync(remote, _stop.Token).ConfigureAwait(false);
        // Every wrong proof costs the guesser a second.
        if (!throttled) await Task.Delay(AuthFailures.Penalty, _stop.Token).ConfigureAwait(false);
        return new WrongKey(throttled ? "wrong cluster key (too many failed attempts from this address: slow down)" : "wrong cluster key");
    }

    private void Reject(string reason)
    {
        _link.Tell(new JoinRejected(reason));
        Context.Stop(Self);
    }

    /// <summary>The seed is stopping: the session ends, telling the cluster view why.</summary>
    public sealed record SeedStopping
    {
        public static readonly SeedStopping Instance = new();
    }

    private sealed record JoinTimedOut;

    private sealed record WrongKey(string Reason);
}
