using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Flock.Tests.Support;

/// <summary>
/// A TCP forwarder on 127.0.0.1 in front of a member's cluster transport, so a test can damage the network the way real
/// ones fail: a partition that closes nothing (<see cref="BlackHole"/>). It holds bytes back rather than dropping
/// them, as TCP retransmission would deliver them once the link heals. With a <see cref="Delay"/>, a distant link: each
/// direction holds every byte that long, in order, without limiting how many are in flight (this kernel has no netem).
/// (Slow links and cut links are the isolated network's: <see cref="IsolatedNetwork"/>.)
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _blackHole;

    public TcpProxy(int targetPort, TimeSpan delay = default)
    {
        _targetPort = targetPort;
        Delay = delay;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How long each direction holds every byte: half the round trip it adds.</summary>
    public TimeSpan Delay { get; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Everything flows again: the end of a partition.</summary>
    public void Pass() => _blackHole = false;

    /// <summary>Traffic simply stops, both ways, on open and new connections; nothing is closed.</summary>
    public void BlackHole() => _blackHole = true;

    /// <summary>Resumes forwarding after <see cref="BlackHole"/>.</summary>
    public void Resume() => _blackHole = false;

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
        try
        {
            await WhileBlackHoledAsync();
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            var up = PumpAsync(client, server);
            var down = PumpAsync(server, client);
            // When one side breaks, the other must learn of it, as it would from a real dead peer.
            var first = await Task.WhenAny(up, down);
            if (first.IsFaulted) { client.Close(0); server.Close(0); }
            await Task.WhenAll(up, down).ContinueWith(_ => { });
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            client.Dispose();
        }
    }

    private Task PumpAsync(Socket from, Socket to) => Delay > TimeSpan.Zero ? DelayedPumpAsync(from, to) : DirectPumpAsync(from, to);

    /// <summary>Reads on while what was read waits out its delay, so the delay adds latency and takes no bandwidth.</summary>
    private async Task DelayedPumpAsync(Socket from, Socket to)
    {
        var held = Channel.CreateUnbounded<(long Due, byte[] Bytes)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var deliver = Task.Run(async () =>
        {
            await foreach (var (due, bytes) in held.Reader.ReadAllAsync(_stop.Token))
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, _stop.Token);
                await WhileBlackHoledAsync();
                if (bytes.Length == 0)
                {
                    try { to.Shutdown(SocketShutdown.Send); } catch (SocketException) { }
                    return;
                }
                await to.SendAsync(bytes, SocketFlags.None, _stop.Token);
            }
        });
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                held.Writer.TryWrite((Stopwatch.GetTimestamp() + (long)(Delay.TotalSeconds * Stopwatch.Frequency), buffer.AsSpan(0, read).ToArray()));
                if (read == 0) break;
            }
        }
        finally
        {
            held.Writer.TryComplete();
        }
        await deliver;
    }

    private async Task DirectPumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            await WhileBlackHoledAsync();
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (read == 0)
            {
                try { to.Shutdown(SocketShutdown.Send); } catch (SocketException) { }
                return;
            }
            // A partition that starts mid-read still holds these bytes back until it heals.
            await WhileBlackHoledAsync();
            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
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
