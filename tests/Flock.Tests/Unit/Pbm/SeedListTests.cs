using System.Net;
using System.Net.Sockets;
using System.Text;
using Flock.Cli.Pbm;
using Flock.Messages.Security;
using Flock.Node.Connection;
using Xunit;
using NodeSeedAddress = Flock.Node.Connection.SeedAddress;
using PbmSeedAddress = Flock.Cli.Pbm.SeedAddress;

namespace Flock.Tests.Unit.Pbm;

/// <summary>
/// Several seed members, comma-separated, for nodes and pbm: parsing the list, and which failures move a request on
/// to the next address (pbm's requests through a scripted handler, no sockets).
/// </summary>
public sealed class SeedListTests
{
    [Fact]
    public void Node_seed_list_should_keep_the_order_and_whether_each_scheme_was_typed()
    {
        var list = NodeSeedAddress.ParseList(" a.lan:9110, https://b.lan:9443 ,10.0.0.3:9110");

        Assert.Equal(["http://a.lan:9110/", "https://b.lan:9443/", "http://10.0.0.3:9110/"], list.Select(e => e.Address.AbsoluteUri));
        Assert.Equal([false, true, false], list.Select(e => e.SchemeGiven));
    }

    [Fact]
    public void Node_seed_list_with_a_bad_entry_should_fail_naming_that_entry()
    {
        var e = Assert.Throws<ArgumentException>(() => NodeSeedAddress.ParseList("a.lan:9110,ftp://b.lan:21,c.lan:9110"));

        Assert.Contains("'ftp://b.lan:21'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a.lan", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_seed_list_with_an_empty_entry_should_say_which_one()
    {
        var e = Assert.Throws<ArgumentException>(() => NodeSeedAddress.ParseList("a.lan:9110,,c.lan:9110"));

        Assert.Contains("seed address 2 of 'a.lan:9110,,c.lan:9110' is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_seed_link_with_one_address_should_never_move()
    {
        using var link = new SeedLink("a.lan:9110", new KnownSeeds(Path.Combine(Path.GetTempPath(), "unused-known-seeds")));

        Assert.False(link.MoveOnAfter(new HttpRequestException("refused", null, HttpStatusCode.BadGateway)));
        // Not resolved yet: the address it names is the one resolution tries first, over TLS.
        Assert.Equal("https://a.lan:9110/", link.BaseUri.AbsoluteUri);
    }

    [Fact]
    public void Node_seed_link_should_move_round_robin_on_unavailability_only()
    {
        using var link = new SeedLink("a.lan:9110,b.lan:9110,c.lan:9110", new KnownSeeds(Path.Combine(Path.GetTempPath(), "unused-known-seeds")));

        Assert.False(link.MoveOnAfter(new JoinRefusedException("wrong key")));
        Assert.False(link.MoveOnAfter(new IOException("enrollment: HTTP 500: boom")));
        Assert.Equal("a.lan", link.BaseUri.Host);
        Assert.True(link.MoveOnAfter(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")));
        Assert.Equal("b.lan", link.BaseUri.Host);
        Assert.True(link.MoveOnAfter(new SeedUnavailableException("enrollment challenge: HTTP 503")));
        Assert.Equal("c.lan", link.BaseUri.Host);
        Assert.True(link.MoveOnAfter(new TaskCanceledException("timed out", new TimeoutException())));
        Assert.Equal("a.lan", link.BaseUri.Host);
    }

    [Fact]
    public void Pbm_seed_list_should_parse_each_address_as_a_single_one_is()
    {
        var list = PbmSeedAddress.ParseList("a.lan,b.lan:9000,https://c.lan:9443");

        Assert.Equal(["http://a.lan:9110/", "http://b.lan:9000/", "https://c.lan:9443/"], list.Select(t => t.Address.AbsoluteUri));
        Assert.Equal([false, false, true], list.Select(t => t.SchemeGiven));
    }

    [Fact]
    public void Pbm_seed_list_with_a_bad_entry_should_be_a_usage_error_naming_that_entry()
    {
        var e = Assert.Throws<PbmException>(() => PbmSeedAddress.ParseList("a.lan:9110,b.lan:9110/api"));

        Assert.Equal(PbmExitCodes.Usage, e.ExitCode);
        Assert.StartsWith("invalid seed address 'b.lan:9110/api' in 'a.lan:9110,b.lan:9110/api'", e.Message, StringComparison.Ordinal);
        Assert.Equal(PbmExitCodes.Usage, Assert.Throws<PbmException>(() => PbmSeedAddress.ParseList("a.lan:9110,")).ExitCode);
    }

    [Theory]
    [InlineData("seed1,seed2")]
    [InlineData("a.lan:9110,b.lan:9110")]
    public void Pbm_should_take_a_leading_comma_list_as_the_seed_address(string list)
    {
        var (address, rest) = PbmApp.SplitAddress([list, "job", "list"]);

        Assert.Equal(list, address);
        Assert.Equal(["job", "list"], rest);
        Assert.Equal(list, PbmApp.SplitAddress([list]).Address);
    }

    [Fact]
    public async Task Pbm_given_a_dead_seed_address_first_should_use_the_next()
    {
        var handler = new ScriptedSeeds { ["a.lan"] = _ => throw Refused(), ["b.lan"] = _ => Json(HttpStatusCode.OK, """{"jobs":[]}""") };
        using var client = Client(handler, "a.lan:9110,b.lan:9110");

        Assert.Empty((await client.ListJobsAsync(CancellationToken.None)).Jobs);
        Assert.Equal("b.lan", client.BaseAddress.Host);
        // Later requests stay with the member that answered.
        await client.ListJobsAsync(CancellationToken.None);
        Assert.Equal(["a.lan", "b.lan", "b.lan"], handler.Hosts);
    }

    [Fact]
    public async Task Pbm_should_try_a_change_on_the_next_seed_after_a_503_but_not_after_a_502()
    {
        var refusing = new ScriptedSeeds
        {
            ["a.lan"] = _ => Json(HttpStatusCode.ServiceUnavailable, """{"error":"not the leader yet"}"""),
            ["b.lan"] = _ => Json(HttpStatusCode.OK, """{"members":[],"nodes":[]}"""),
        };
        using (var client = Client(refusing, "a.lan:9110,b.lan:9110"))
        {
            await client.DownUnreachableAsync(CancellationToken.None);
        }

        Assert.Equal(["a.lan", "b.lan"], refusing.Hosts);

        // A proxy's 502 may hide a member that acted: the change is not sent twice.
        var proxied = new ScriptedSeeds
        {
            ["a.lan"] = _ => Json(HttpStatusCode.BadGateway, "<html>bad gateway</html>"),
            ["b.lan"] = _ => Json(HttpStatusCode.OK, """{"members":[],"nodes":[]}"""),
        };
        using (var client = Client(proxied, "a.lan:9110,b.lan:9110"))
        {
            var e = await Assert.ThrowsAsync<PbmException>(() => client.DownUnreachableAsync(CancellationToken.None));
            Assert.Equal("the seed answered HTTP 502 Bad Gateway", e.Message);
        }

        Assert.Equal(["a.lan"], proxied.Hosts);
    }

    [Fact]
    public async Task Pbm_should_not_send_a_change_again_when_the_connection_broke_after_sending()
    {
        var handler = new ScriptedSeeds
        {
            ["a.lan"] = _ => throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."),
            ["b.lan"] = _ => Json(HttpStatusCode.OK, """{"members":[],"nodes":[]}"""),
        };
        using var client = Client(handler, "a.lan:9110,b.lan:9110");

        var e = await Assert.ThrowsAsync<PbmException>(() => client.DownUnreachableAsync(CancellationToken.None));

        Assert.True(e.Unreachable);
        Assert.Equal(["a.lan"], handler.Hosts);
        // Refused outright, the change was never sent: the next member gets it.
        var refused = new ScriptedSeeds { ["a.lan"] = _ => throw Refused(), ["b.lan"] = _ => Json(HttpStatusCode.OK, """{"members":[],"nodes":[]}""") };
        using var other = Client(refused, "a.lan:9110,b.lan:9110");
        await other.DownUnreachableAsync(CancellationToken.None);
        Assert.Equal(["a.lan", "b.lan"], refused.Hosts);
    }

    [Fact]
    public async Task Pbm_should_send_a_change_to_the_next_seed_when_connecting_to_the_first_timed_out()
    {
        var handler = new ScriptedSeeds
        {
            // What SocketsHttpHandler throws when its ConnectTimeout passes.
            ["a.lan"] = _ => throw new TaskCanceledException("timed out", new TimeoutException("The connection attempt timed out after 10 seconds.")),
            ["b.lan"] = _ => Json(HttpStatusCode.OK, """{"members":[],"nodes":[]}"""),
        };
        using var client = Client(handler, "a.lan:9110,b.lan:9110");

        await client.DownUnreachableAsync(CancellationToken.None);

        Assert.Equal(["a.lan", "b.lan"], handler.Hosts);
    }

    [Fact]
    public async Task Pbm_should_name_every_seed_tried_in_one_line_when_all_fail()
    {
        var handler = new ScriptedSeeds
        {
            ["a.lan"] = _ => throw Refused(),
            ["b.lan"] = _ => Json(HttpStatusCode.ServiceUnavailable, """{"error":"shutting down"}"""),
            ["c.lan"] = _ => throw Refused(),
        };
        using var client = Client(handler, "a.lan:9110,b.lan:9110,c.lan:9110");

        var e = await Assert.ThrowsAsync<PbmException>(() => client.ListJobsAsync(CancellationToken.None));

        Assert.Equal(
            "cannot reach seed at http://a.lan:9110: Connection refused; nor at http://b.lan:9110: shutting down; nor at http://c.lan:9110: Connection refused",
            e.Message);
        Assert.True(e.Unreachable);
        Assert.Equal(PbmExitCodes.Failure, e.ExitCode);
    }

    [Fact]
    public async Task Pbm_should_not_try_another_seed_for_an_answer_every_member_would_give()
    {
        var handler = new ScriptedSeeds
        {
            ["a.lan"] = _ => Json(HttpStatusCode.NotFound, """{"error":"no job 42"}"""),
            ["b.lan"] = _ => Json(HttpStatusCode.OK, "{}"),
        };
        using var client = Client(handler, "a.lan:9110,b.lan:9110");

        var e = await Assert.ThrowsAsync<PbmException>(() => client.GetJobAsync("42", CancellationToken.None));

        Assert.Equal("no job 42", e.Message);
        Assert.Equal(["a.lan"], handler.Hosts);
    }

    private static SeedClient Client(HttpMessageHandler handler, string seeds) =>
        new(PbmSeedAddress.ParseList(seeds).Select(t => t with { SchemeGiven = true }).ToList(), "token", handler);

    private static HttpRequestException Refused() =>
        new(HttpRequestError.ConnectionError, "Connection refused (a.lan:9110)", new SocketException((int)SocketError.ConnectionRefused));

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>Answers by host, recording every host asked in order.</summary>
    private sealed class ScriptedSeeds : HttpMessageHandler, IEnumerable<KeyValuePair<string, Func<HttpRequestMessage, HttpResponseMessage>>>
    {
        private readonly Dictionary<string, Func<HttpRequestMessage, HttpResponseMessage>> _answers = [];

        public List<string> Hosts { get; } = [];

        public Func<HttpRequestMessage, HttpResponseMessage> this[string host]
        {
            set => _answers[host] = value;
        }

        public IEnumerator<KeyValuePair<string, Func<HttpRequestMessage, HttpResponseMessage>>> GetEnumerator() => _answers.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var host = request.RequestUri!.Host;
            Hosts.Add(host);
            var answer = _answers[host](request);
            answer.RequestMessage = request;
            return Task.FromResult(answer);
        }
    }
}
