using System.Threading.Channels;

namespace Flock.Actors.Tests;

/// <summary>An actor that hands everything it receives to the test, so assertions can wait for messages instead of sleeping.</summary>
public sealed class TestProbe
{
    private readonly Channel<(object Message, ActorRef Sender)> _received = Channel.CreateUnbounded<(object, ActorRef)>();

    public TestProbe(ActorSystem system, string name = "probe")
    {
        Ref = system.ActorOf(Props.Create(() => new ProbeActor(_received.Writer)), name);
    }

    public ActorRef Ref { get; }

    public ActorRef LastSender { get; private set; } = ActorRef.NoSender;

    public async Task<T> ExpectMsgAsync<T>(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        try
        {
            var (message, sender) = await _received.Reader.ReadAsync(cts.Token);
            LastSender = sender;
            return message is T t ? t : throw new Xunit.Sdk.XunitException($"Expected {typeof(T).Name} but got {message}");
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"Timed out waiting for {typeof(T).Name}");
        }
    }

    /// <summary>Discards one already-received message; for timer tests where a tick may race the cancellation.</summary>
    public bool TryDrain() => _received.Reader.TryRead(out _);

    public async Task ExpectNoMsgAsync(TimeSpan duration)
    {
        await Task.Delay(duration);
        if (_received.Reader.TryRead(out var item))
            throw new Xunit.Sdk.XunitException($"Expected no message but got {item.Message}");
    }

    private sealed class ProbeActor(ChannelWriter<(object, ActorRef)> writer) : Actor
    {
        protected override Task ReceiveAsync(object message)
        {
            writer.TryWrite((message, Sender));
            return Task.CompletedTask;
        }
    }
}
