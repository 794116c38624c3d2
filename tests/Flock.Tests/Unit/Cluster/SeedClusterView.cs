using Akka.Actor;
using Flock.Messages.Cluster;
using Flock.Seed.Cluster;
using Flock.Seed.Jobs;
using Flock.Seed.Metrics;
using Flock.Seed.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flock.Tests.Unit.Cluster;

/// <summary>The seed's cluster view (its ClusterActor) for one node, with what it tells the job queue recorded.</summary>
internal sealed class SeedClusterView : IAsyncDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("flock");
    private readonly IActorRef _recorder;
    private readonly string _node;

    public SeedClusterView(string node)
    {
        _node = node;
        _recorder = _system.ActorOf(Props.Create(() => new Recorder()));
        Cluster = _system.ActorOf(ClusterActor.Props(_recorder, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), new QuarantineOptions(), TimeProvider.System,
            new SeedMetrics(), NullLoggerFactory.Instance));
    }

    public IActorRef Cluster { get; }

    public void Connect(string session, int port) =>
        Cluster.Tell(new NodeConnected(new NodeHandle(_node, session, ["libx264"], _ => true), $"127.0.0.1:{port}", 2, "5.1", []));

    public void Say(string session, ControlMessage message) => Cluster.Tell(new NodeMessage(_node, session, message));

    /// <summary>The node as `cluster show --json` lists it, once everything told before is handled (the view answers in order).</summary>
    public async Task<NodeResponse> NodeAsync()
    {
        var view = await Cluster.Ask<ClusterResponse>(new FetchCluster(), TimeSpan.FromSeconds(10));
        return view.Nodes.Single(n => n.Name == _node);
    }

    public async Task<string> StatusAsync() => (await NodeAsync()).Status;

    /// <summary>Everything the view told the job queue before it answered the last question.</summary>
    public async Task<IReadOnlyList<object>> JobsAsync()
    {
        await StatusAsync();
        // Asked after the view's answer, so after everything it told the recorder before answering.
        return await _recorder.Ask<IReadOnlyList<object>>(new Recorder.Seen(), TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync() => await _system.Terminate();

    private sealed class Recorder : ReceiveActor
    {
        public sealed record Seen;

        public Recorder()
        {
            var seen = new List<object>();
            Receive<Seen>(_ => Sender.Tell((IReadOnlyList<object>)seen.ToArray()));
            ReceiveAny(seen.Add);
        }
    }
}
