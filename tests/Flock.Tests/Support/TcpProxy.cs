using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Flock.Tests.Support;

/// <summary>
/// A TCP forwarder on 127.0.0.1 between a node and the seed, so a test can damage the network the way real ones fail:
/// a partition that closes nothing (<see cref="BlackHole"/>), a slow link (<see cref="Throttle"/>) and a flipped byte
/// in an upload (<see cref="CorruptUploadOnce"/>). A partition holds bytes back rather than dropping them, as TCP
/// retransmission would deliver them once the link heals.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ProxyConnection> _connections = [];
    private volatile bool _blackHole;
    private volatile int _toServerRate;
    private volatile int _toClientRate;
    private int _corruptAfter = -1;
    private int _corrupted;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>True once the one flipped byte has been sent on.</summary>
    public bool Corrupted => Volatile.Read(ref _corrupted) == 1;

    public IReadOnlyList<ProxyConnection> Connections { get { lock (_connections) return _connections.ToList(); } }

    /// <summary>Everything flows again at full speed: the end of a partition or a throttle.</summary>
    public void Pass()
    {
        _blackHole = false;
        _toServerRate = 0;
        _toClientRate = 0;
    }

    /// <summary>Traffic simply stops, both ways, on open and new connections; nothing is closed.</summary>
    public void BlackHole() => _blackHole = true;

    /// <summary>Resumes forwarding after <see cref="BlackHole"/>; throttles stay as they were.</summary>
    public void Resume() => _blackHole = false;

    /// <summary>Limits each connection's bytes per second in each direction (0: unlimited).</summary>
    public void Throttle(int toServerBytesPerSecond, int toClientBytesPerSecond)
    {
        _toServerRate = toServerBytesPerSecond;
        _toClientRate = toClientBytesPerSecond;
    }

    /// <summary>Flips one byte, once, <paramref name="bytesAfterPut"/> bytes after a "PUT " request line in the client-to-seed direction: inside an upload body.</summary>
    public void CorruptUploadOnce(int bytesAfterPut) => Volatile.Write(ref _corruptAfter, bytesAfterPut);

    /// <summary>
    /// Resets every open connection at once, dropping whatever bytes are still in flight: a machine losing power.
    /// (A killed process alone is not enough: its kernel still delivers what the process had written.)
    /// </summary>
    public void Sever()
    {
        foreach (var c in Connections.Where(c => c.IsOpen))
        {
            foreach (var socket in new[] { c.Client, c.Server })
            {
                try { socket?.Close(0); } catch (ObjectDisposedException) { }
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var connection = new ProxyConnection { Client = client, Server = server };
        lock (_connections) _connections.Add(connection);
        try
        {
            await WhileBlackHoledAsync();
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            var up = PumpAsync(client, server, connection, toServer: true);
            var down = PumpAsync(server, client, connection, toServer: false);
            // When one side breaks, the other must learn of it, as it would from a real dead peer.
            var first = await Task.WhenAny(up, down);
            if (first.IsFaulted) { client.Close(0); server.Close(0); }
            await Task.WhenAll(up, down).ContinueWith(_ => { });
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            connection.IsOpen = false;
            client.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, ProxyConnection connection, bool toServer)
    {
        var buffer = new byte[64 * 1024];
        var sincePut = -1L;
        var tail = "";
        while (true)
        {
            await WhileBlackHoledAsync();
            var rate = toServer ? _toServerRate : _toClientRate;
            // A throttled link moves a twentieth of its rate every 50 ms.
            var want = rate > 0 ? Math.Max(1, Math.Min(buffer.Length, rate / 20)) : buffer.Length;
            var read = await from.ReceiveAsync(buffer.AsMemory(0, want), SocketFlags.None, _stop.Token);
            if (read == 0)
            {
                try { to.Shutdown(SocketShutdown.Send); } catch (SocketException) { }
                return;
            }
            if (toServer)
            {
                var text = tail + Encoding.Latin1.GetString(buffer, 0, read);
                if (connection.FirstLine is null && text.Contains("\r\n", StringComparison.Ordinal)) connection.FirstLine = text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
                var put = text.LastIndexOf("PUT /", StringComparison.Ordinal);
                if (put >= 0)
                {
                    sincePut = text.Length - put;
                    var end = text.IndexOf("\r\n", put, StringComparison.Ordinal);
                    connection.PutLine = end > put ? text[put..end] : text[put..];
                    connection.PutAnswered = false;
                }
                else if (sincePut >= 0) sincePut += read;
                tail = text.Length > 4 ? text[^4..] : text; // shorter than "PUT /", so a match is never counted twice
                var after = Volatile.Read(ref _corruptAfter);
                if (after >= 0 && sincePut >= after && Interlocked.CompareExchange(ref _corrupted, 2, 0) == 0)
                {
                    var at = Math.Clamp(read - (int)(sincePut - after) - 1, 0, read - 1);
                    buffer[at] ^= 0xFF;
                    connection.CorruptedHere = true;
                    Volatile.Write(ref _corrupted, 1);
                }
            }
            // A partition that starts mid-read still holds these bytes back until it heals.
            await WhileBlackHoledAsync();
            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            if (toServer) Interlocked.Add(ref connection.BytesToServerField, read);
            if (toServer && sincePut >= 0) Interlocked.Exchange(ref connection.BytesSincePutField, sincePut);
            if (toServer) connection.LastToServerAt = DateTime.UtcNow;
            else Interlocked.Add(ref connection.BytesToClientField, read);
            if (!toServer && connection.PutLine is not null) connection.PutAnswered = true;
            if (rate > 0) await Task.Delay(50, _stop.Token);
        }
    }

    private async Task WhileBlackHoledAsync()
    {
        while (_blackHole) await Task.Delay(20, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _stop.Dispose();
    }
}

/// <summary>One proxied connection: what it asked first, and how many bytes went each way.</summary>
public sealed class ProxyConnection
{
    internal long BytesToServerField;
    internal long BytesToClientField;
    internal long BytesSincePutField;

    /// <summary>The client's first line, e.g. "GET /api/jobs/1/source HTTP/1.1"; null until sent.</summary>
    public string? FirstLine { get; internal set; }

    public long BytesToServer => Interlocked.Read(ref BytesToServerField);

    public long BytesToClient => Interlocked.Read(ref BytesToClientField);

    /// <summary>The request line of the last upload sent on this connection, e.g. "PUT /api/jobs/1/chunks/3/result?attempt=1 HTTP/1.1".</summary>
    public string? PutLine { get; internal set; }

    /// <summary>The seed has started answering that PUT: the upload is over.</summary>
    public bool PutAnswered { get; internal set; }

    /// <summary>
    /// An upload body is flowing through this connection right now (unanswered, and bytes moved in the last half
    /// second: a complete body can wait unanswered for a while as the seed verifies it).
    /// </summary>
    public bool Uploading => IsOpen && PutLine is not null && !PutAnswered && DateTime.UtcNow - LastToServerAt < TimeSpan.FromMilliseconds(500);

    public DateTime LastToServerAt { get; internal set; }

    /// <summary>Bytes forwarded since that PUT began (headers included).</summary>
    public long BytesSincePut => Interlocked.Read(ref BytesSincePutField);

    public bool IsOpen { get; internal set; } = true;

    public bool CorruptedHere { get; internal set; }

    internal Socket? Client { get; init; }

    internal Socket? Server { get; init; }
}
