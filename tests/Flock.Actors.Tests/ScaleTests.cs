using System.Diagnostics;

namespace Flock.Actors.Tests;

[CollectionDefinition(nameof(NonParallel), DisableParallelization = true)]
public sealed class NonParallel;

/// <summary>Runs alone: thread counts are meaningless while other tests are busy on the pool.</summary>
[Collection(nameof(NonParallel))]
public sealed class ScaleTests
{
    private sealed class Idle : Actor
    {
        protected override Task ReceiveAsync(object message)
        {
            Sender.Tell(message);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Ten_thousand_actors_should_be_created_quickly_and_idle_without_threads()
    {
        await using var system = ActorSystem.Create("scale");
        var threadsBefore = Process.GetCurrentProcess().Threads.Count;
        var stopwatch = Stopwatch.StartNew();
        var actors = new ActorRef[10_000];
        for (var i = 0; i < actors.Length; i++)
            actors[i] = system.ActorOf(Props.Create(() => new Idle()), $"idle-{i}");
        var replies = await Task.WhenAll(actors.Select((a, i) => a.Ask<int>(i)));
        stopwatch.Stop();

        Assert.Equal(Enumerable.Range(0, actors.Length), replies);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        await Task.Delay(200);
        var threadsAfter = Process.GetCurrentProcess().Threads.Count;
        Assert.True(threadsAfter - threadsBefore < 50, $"threads grew from {threadsBefore} to {threadsAfter}");
    }
}
