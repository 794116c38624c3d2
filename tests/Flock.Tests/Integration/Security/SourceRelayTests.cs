using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Flock.Node.Connection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Flock.Tests.Integration.Security;

/// <summary>
/// A node's source relay (what its ffmpeg reads chunk bytes from) is for that ffmpeg alone: loopback only, and only
/// with the relay's own random token.
/// </summary>
public sealed class SourceRelayTests
{
    [Fact]
    public async Task Relay_should_listen_on_loopback_only_and_answer_nothing_without_its_token()
    {
        await using var relay = await SourceRelay.StartAsync(NullLoggerFactory.Instance, CancellationToken.None, sessionWait: TimeSpan.Zero);
        Assert.Equal("127.0.0.1", relay.BaseUri.Host);
        Assert.Equal(32, relay.Token.Length);

        // Not on any other address of this machine.
        foreach (var address in (await Dns.GetHostAddressesAsync(Dns.GetHostName())).Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)))
        {
            using var tcp = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => tcp.ConnectAsync(address, relay.BaseUri.Port));
        }

        using var http = new HttpClient { BaseAddress = relay.BaseUri };
        var source = "api/jobs/1/source?media=100&span=200-300";
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(source)).StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, source))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new string('0', 32));
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        }
        // With its token but no control session yet: nothing to relay, and ffmpeg will ask again.
        using var right = new HttpRequestMessage(HttpMethod.Get, source);
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", relay.Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.SendAsync(right)).StatusCode);
        // Only the source of a job is relayed.
        using var other = new HttpRequestMessage(HttpMethod.Get, "api/jobs");
        other.Headers.Authorization = new AuthenticationHeaderValue("Bearer", relay.Token);
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(other)).StatusCode);
    }
}
