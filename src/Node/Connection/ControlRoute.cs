using Akka.Actor;
using Flock.Messages;

namespace Flock.Node.Connection;

/// <summary>
/// Where a node's control link reaches the seed's node gateway from: the node's cluster member system (replaced by a
/// fresh one whenever it is downed) and the gateway's path at the seed's address; or, for the local nodes of an
/// embedded cluster, the seed's own system and a local path.
/// </summary>
public sealed class ControlRoute
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<Route> _current = NewSource();
    private CancellationTokenSource _superseded = new();

    /// <param name="Superseded">cancelled once the route is replaced or closed: a handshake still waiting on it gives up.</param>
    public sealed record Route(ActorSystem System, string GatewayPath, CancellationToken Superseded);

    /// <summary>Nodes in the seed's own process: no cluster transport, the gateway is a local actor.</summary>
    public static ControlRoute Local(ActorSystem seedSystem)
    {
        var route = new ControlRoute();
        route.Open(seedSystem, $"/user/{Protocol.NodeGatewayName}");
        return route;
    }

    /// <param name="seedAddress">The seed member's Akka address (akka.ssl.tcp://flock@host:port).</param>
    public static string RemoteGateway(string seedAddress) => $"{seedAddress.TrimEnd('/')}/user/{Protocol.NodeGatewayName}";

    /// <summary>A member system is up: links open from it.</summary>
    public void Open(ActorSystem system, string gatewayPath)
    {
        lock (_gate)
        {
            if (_current.Task.IsCompleted) _current = NewSource();
            // Another seed member coordinates now (or a fresh member system is up): a handshake with the old gateway
            // would only wait out its timeout for an answer that is not coming.
            _superseded.Cancel();
            _superseded = new CancellationTokenSource();
            _current.SetResult(new Route(system, gatewayPath, _superseded.Token));
        }
    }

    /// <summary>That member system is gone: the next link waits for its successor.</summary>
    public void Close(ActorSystem system)
    {
        lock (_gate)
        {
            if (_current.Task.IsCompletedSuccessfully && _current.Task.Result.System == system)
            {
                _current = NewSource();
                _superseded.Cancel();
            }
        }
    }

    /// <summary>The node can never join (its enrollment was refused): every wait ends with this.</summary>
    public void Refuse(string reason)
    {
        lock (_gate)
        {
            if (_current.Task.IsCompleted) _current = NewSource();
            _current.SetException(new JoinRefusedException(reason));
        }
    }

    /// <exception cref="JoinRefusedException">the node was refused.</exception>
    /// <exception cref="TimeoutException">no member system was up within <paramref name="timeout"/>.</exception>
    public async Task<Route> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        Task<Route> current;
        lock (_gate) current = _current.Task;
        try { return await current.WaitAsync(timeout, ct).ConfigureAwait(false); }
        catch (TimeoutException)
        {
            throw new TimeoutException("this node is not a member of the seed's cluster yet");
        }
    }

    private static TaskCompletionSource<Route> NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
