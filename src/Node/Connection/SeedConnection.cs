using System.Net.WebSockets;
using System.Threading.Channels;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Messages.Security;

namespace Flock.Node.Connection;

/// <summary>A joined control connection: the handshake is done, messages out go through one send loop.</summary>
public sealed class SeedConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<ControlMessage> _outbound = Channel.CreateUnbounded<ControlMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sendLoop;

    private SeedConnection(ClientWebSocket socket, JoinAccepted accepted)
    {
        _socket = socket;
        Accepted = accepted;
        _sendLoop = SendLoopAsync();
    }

    public JoinAccepted Accepted { get; }

    public string TransferToken => Accepted.SessionToken;

    /// <summary>Connects and proves the cluster key. A refusal throws <see cref="JoinRefusedException"/>: retrying will not help.</summary>
    public static async Task<SeedConnection> JoinAsync(SeedLink seed, ClusterKey key, string name, string ffmpegVersion, IReadOnlyList<string> encoders,
        IReadOnlyList<HeldResult> held, CancellationToken ct)
    {
        try
        {
            await seed.ResolveAsync(ct).ConfigureAwait(false);
        }
        catch (SeedTrustException e)
        {
            throw new JoinRefusedException(e.Message);
        }
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(5);
        socket.Options.RemoteCertificateValidationCallback = SeedEndpoint.Validator(seed.Trust, seed.BaseUri);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            await socket.ConnectAsync(SeedAddress.WebSocketUri(seed.BaseUri), timeout.Token).ConfigureAwait(false);
            if (await ControlChannel.ReceiveAsync(socket, timeout.Token).ConfigureAwait(false) is not Challenge challenge)
                throw new IOException("the seed did not send a challenge");
            if (challenge.ProtocolVersion != Protocol.Version)
                throw new JoinRefusedException($"the seed speaks protocol {challenge.ProtocolVersion}, this node {Protocol.Version}: upgrade one of them");
            var nodeNonce = ClusterKey.NewNonce();
            await ControlChannel.SendAsync(socket, new JoinCluster(Protocol.Version, name, nodeNonce, key.NodeProof(challenge.SeedNonce, nodeNonce, name),
                ffmpegVersion, encoders, Environment.ProcessorCount, held), timeout.Token).ConfigureAwait(false);
            switch (await ControlChannel.ReceiveAsync(socket, timeout.Token).ConfigureAwait(false))
            {
                case JoinAccepted accepted when ClusterKey.FixedEquals(accepted.Proof, key.SeedProof(challenge.SeedNonce, nodeNonce, name)):
                    return new SeedConnection(socket, accepted);
                case JoinAccepted:
                    throw new JoinRefusedException("the seed does not know the cluster key: refusing to work for it");
                case JoinRejected rejected:
                    throw new JoinRefusedException($"the seed refused this node: {rejected.Reason}");
                default:
                    throw new IOException("unexpected answer to join-cluster");
            }
        }
        catch (Exception e) when (seed.Trust.LastRefusal is { } refusal && e is WebSocketException or HttpRequestException)
        {
            socket.Dispose();
            throw new JoinRefusedException(refusal);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public bool Send(ControlMessage message) => _outbound.Writer.TryWrite(message);

    /// <returns>the next message, or null once the seed closed the connection.</returns>
    public Task<ControlMessage?> ReceiveAsync(CancellationToken ct) => ControlChannel.ReceiveAsync(_socket, ct);

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
                await ControlChannel.SendAsync(_socket, message, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The receive side notices the broken connection and reconnects.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _outbound.Writer.TryComplete();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _sendLoop.WaitAsync(timeout.Token).ConfigureAwait(false);
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or TimeoutException) { }
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        _stop.Dispose();
    }
}

/// <summary>The seed said no (wrong key, wrong protocol, bad name): reconnecting would only repeat it.</summary>
public sealed class JoinRefusedException(string message) : Exception(message);
