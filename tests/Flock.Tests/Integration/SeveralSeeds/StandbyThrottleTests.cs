using System.Net;
using Flock.Seed.Api;
using Flock.Tests.Integration.Persistence;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.SeveralSeeds;

/// <summary>
/// The throttle of failed logins counts each client address. A standby seed member forwards every request to the
/// coordinator, which would otherwise see the standby's address for all of them: one client's guesses would then be
/// held against everyone who reaches the cluster through that standby.
/// </summary>
public sealed class StandbyThrottleTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    /// <summary>flock.seed.auth-failure-limit's default: failures a minute before each further one is held and refused.</summary>
    private const int Limit = 5;

    [Fact]
    public async Task Failed_logins_through_a_standby_should_count_against_their_own_client_not_the_standby()
    {
        await using var members = await SeedMembers.StartAsync(postgres, 2);
        var (coordinator, standby) = (members.Members[0], members.Members[1]);
        // Two clients on their own loopback addresses; the standby reaches the coordinator from 127.0.0.1.
        Assert.Equal(HttpStatusCode.OK, (await standby.Http.GetAsync("api/jobs")).StatusCode); // pins the members' certificate
        using var guesser = standby.CreateClient("not-the-token", LoopbackSource.From(IPAddress.Parse("127.0.0.5")));
        using var other = standby.CreateClient("not-the-token", LoopbackSource.From(IPAddress.Parse("127.0.0.6")));

        for (var i = 0; i < Limit; i++) Assert.Equal(HttpStatusCode.Unauthorized, await JobsAsync(guesser));
        Assert.Equal((HttpStatusCode)429, await JobsAsync(guesser));

        // Its own first mistake: refused as one, not held for the guesser's.
        Assert.Equal(HttpStatusCode.Unauthorized, await JobsAsync(other));

        // A client cannot vouch for itself: straight to the coordinator with another address in the header, the guesser
        // is still the guesser.
        Assert.Equal(HttpStatusCode.OK, (await coordinator.Http.GetAsync("api/jobs")).StatusCode);
        using var direct = coordinator.CreateClient("not-the-token", LoopbackSource.From(IPAddress.Parse("127.0.0.5")));
        Assert.Equal((HttpStatusCode)429, await JobsAsync(direct, (ForwardedClient.Header, "127.0.0.9 " + new string('0', 64))));
    }

    private static async Task<HttpStatusCode> JobsAsync(HttpClient client, (string Name, string Value)? header = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/jobs");
        if (header is { } h) request.Headers.TryAddWithoutValidation(h.Name, h.Value);
        using var reply = await client.SendAsync(request);
        return reply.StatusCode;
    }
}
