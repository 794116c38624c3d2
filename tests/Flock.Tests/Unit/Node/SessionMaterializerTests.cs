using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Flock.Node.Connection;
using Xunit;

namespace Flock.Tests.Unit.Node;

/// <summary>
/// A node's member system outlives its control sessions (a session moves to the next coordinating seed member): ending
/// one session must stop that session's streams and nothing else, or the member can never read a source byte again.
/// </summary>
public sealed class SessionMaterializerTests
{
    [Fact]
    public async Task Ending_a_session_should_leave_the_member_systems_other_streams_running()
    {
        using var system = ActorSystem.Create("flock");
        var relay = system.Materializer();
        var session = SeedConnection.OwnMaterializer(system);
        Assert.Equal(3, await Source.From([1, 2]).RunAggregate(0, (a, b) => a + b, session));

        session.Dispose();

        Assert.True(session.IsShutdown);
        Assert.False(((ActorMaterializer)relay).IsShutdown, "ending a session shut down the member system's shared materializer");
        Assert.Equal(3, await Source.From([1, 2]).RunAggregate(0, (a, b) => a + b, relay));
        Assert.Equal(3, await Source.From([1, 2]).RunAggregate(0, (a, b) => a + b, system.Materializer()));
        Assert.Equal(3, await Source.From([1, 2]).RunAggregate(0, (a, b) => a + b, SeedConnection.OwnMaterializer(system)));
    }
}
