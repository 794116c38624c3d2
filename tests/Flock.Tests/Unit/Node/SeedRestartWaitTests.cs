using System.Net;
using System.Net.Sockets;
using Flock.Cli.Hosting;
using Xunit;

namespace Flock.Tests.Unit.Node;

/// <summary>
/// A node asks a seed that is not listening again within a second (it is restarting), and backs off from one that
/// answers badly: only a refused connection is free for the seed.
/// </summary>
public sealed class SeedRestartWaitTests
{
    [Fact]
    public async Task A_seed_port_with_nothing_listening_should_count_as_nothing_listening()
    {
        var port = FreePort();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{port}/api/cluster/enroll"));
        Assert.True(NodeMembership.NothingListening(e), $"not told apart: {e}");
    }

    [Fact]
    public async Task A_seed_that_accepts_and_drops_the_connection_should_not_count_as_nothing_listening()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var dropping = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            client.Client.LingerState = new LingerOption(true, 0); // a reset, as an overloaded or crashing server gives
        });
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{port}/api/cluster/enroll"));
        await dropping;
        Assert.False(NodeMembership.NothingListening(e), $"a seed that answered was taken for one not listening: {e}");
    }

    [Fact]
    public void Other_failures_should_not_count_as_nothing_listening()
    {
        Assert.False(NodeMembership.NothingListening(new TaskCanceledException("timed out")));
        Assert.False(NodeMembership.NothingListening(new IOException("reset")));
        Assert.False(NodeMembership.NothingListening(new HttpRequestException("no route", new SocketException((int)SocketError.HostUnreachable))));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
