using System.Net.WebSockets;
using System.Threading.Channels;
using Akka.Actor;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Seed.Security;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Cluster;

/// <summary>
/// One node's control connection: challenge, join, then a receive loop feeding the cluster actor and a send loop
/// draining the node's outbound queue. Anything malformed closes this connection only.
/// </summary>
public sealed class NodeSession(WebSocket socket, System.Net.IPAddress? remote, string address, ClusterKey key, IActorRef cluster, TimeSpan heartbeatInterval,
    Security.AuthFailures failures, ILogger log)
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(15);

    public async Task RunAsync(CancellationToken ct)
    {
        var seedNonce = ClusterKey.NewNonce();
        await ControlChannel.SendAsync(socket, new Challenge(seedNonce, Protocol.Version), ct).ConfigureAwait(false);
        JoinCluster? join;
        using (var joinTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            joinTimeout.CancelAfter(JoinTimeout);
            try { join = await ControlChannel.ReceiveAsync(socket, joinTimeout.Token).ConfigureAwait(false) as JoinCluster; }
            catch (Exception e) when (e is InvalidDataException or OperationCanceledException or WebSocketException) { join = null; }
        }
        if (join is null) { await RejectAsync("expected join-cluster within 15s", ct).ConfigureAwait(false); return; }
        if (join.ProtocolVersion != Protocol.Version)
        {
            await RejectAsync($"protocol version {join.ProtocolVersion} is not supported (seed speaks {Protocol.Version})", ct).ConfigureAwait(false);
            return;
        }
        if (!NodeNames.IsValid(join.Name))
        {
            await RejectAsync(NodeNames.Rule, ct).ConfigureAwait(false);
            return;
        }
        if (!ClusterKey.FixedEquals(join.Proof, key.NodeProof(seedNonce, join.NodeNonce, join.Name)))
        {
            log.LogWarning("node {Node} from {Address} refused: wrong cluster key", join.Name, address);
            var throttled = await failures.FailAsync(remote, ct).ConfigureAwait(false);
            if (!throttled) await Task.Delay(AuthFailures.Penalty, ct).ConfigureAwait(false); // every wrong proof costs the guesser a second
            await RejectAsync(throttled ? "wrong cluster key (too many failed attempts from this address: slow down)" : "wrong cluster key", ct).ConfigureAwait(false);
            return;
        }

        var sessionId = Guid.NewGuid().ToString("N");
        var outbound = Channel.CreateUnbounded<ControlMessage>(new UnboundedChannelOptions { SingleReader = true });
        var handle = new NodeHandle(join.Name, sessionId, join.Encoders, m => outbound.Writer.TryWrite(m));
        await ControlChannel.SendAsync(socket,
            new JoinAccepted(join.Name, key.SeedProof(seedNonce, join.NodeNonce, join.Name), key.TransferToken(join.Name), heartbeatInterval), ct).ConfigureAwait(false);
        cluster.Tell(new NodeConnected(handle, address, join.Cores, join.FfmpegVersion, join.HeldResults));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sender = SendLoopAsync(outbound.Reader, stop.Token);
        var reason = "connection closed";
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var message = await ControlChannel.ReceiveAsync(socket, stop.Token).ConfigureAwait(false);
                if (message is null) break;
                // Answering each heartbeat lets the node tell a silent seed (a partition) from a quiet one.
                if (message is Heartbeat) outbound.Writer.TryWrite(new Heartbeat(DateTimeOffset.UtcNow));
                cluster.Tell(new NodeMessage(join.Name, sessionId, message));
            }
        }
        catch (InvalidDataException e)
        {
            reason = e.Message;
            log.LogWarning("node {Node}: {Reason}; closing its connection", join.Name, e.Message);
            await CloseQuietlyAsync(WebSocketCloseStatus.InvalidPayloadData, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            reason = "seed stopping";
            await CloseQuietlyAsync(WebSocketCloseStatus.EndpointUnavailable, reason).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            reason = e.Message;
        }
        finally
        {
            outbound.Writer.TryComplete();
            await stop.CancelAsync().ConfigureAwait(false);
            try { await sender.ConfigureAwait(false); } catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException) { }
            cluster.Tell(new NodeDisconnected(join.Name, sessionId, reason));
        }
    }

    private async Task SendLoopAsync(ChannelReader<ControlMessage> reader, CancellationToken ct)
    {
        await foreach (var message in reader.ReadAllAsync(ct).ConfigureAwait(false))
            await ControlChannel.SendAsync(socket, message, ct).ConfigureAwait(false);
    }

    private async Task RejectAsync(string reason, CancellationToken ct)
    {
        try { await ControlChannel.SendAsync(socket, new JoinRejected(reason), ct).ConfigureAwait(false); }
        catch (WebSocketException) { }
        await CloseQuietlyAsync(WebSocketCloseStatus.PolicyViolation, reason).ConfigureAwait(false);
    }

    private async Task CloseQuietlyAsync(WebSocketCloseStatus status, string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var text = reason.Length > 120 ? reason[..120] : reason;
            await socket.CloseOutputAsync(status, text, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
    }
}
