using System.Net;
using System.Net.Sockets;
using Flock.Cli.Hosting;
using Flock.Tests.Integration;
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
        var port = FlockProcess.FreePort();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{port}/api/cluster/enroll"));
        Assert.True(NodeMembership.NothingListening(e), $"not told apart: {e}");
    }

    [Fact]
    public async Task A_seed_that_accepts_the_connection_but_does_not_answer_should_not_count_as_nothing_listening()
    {
        // Listening but never answering (an overloaded seed): the kernel accepts the connection into the backlog, so no
        // server code has to run in time, which an accept-and-reset server did not manage once under the full suite.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var e = await Assert.ThrowsAnyAsync<Exception>(() => http.GetAsync($"http://127.0.0.1:{port}/api/cluster/enroll"));
        Assert.False(NodeMembership.NothingListening(e), $"a seed that accepted the connection was taken for one not listening: {e}");
    }

    [Fact]
    public void Other_failures_should_not_count_as_nothing_listening()
    {
        Assert.False(NodeMembership.NothingListening(new TaskCanceledException("timed out")));
        Assert.False(NodeMembership.NothingListening(new IOException("reset")));
        Assert.False(NodeMembership.NothingListening(new HttpRequestException("no route", new SocketException((int)SocketError.HostUnreachable))));
    }
}
