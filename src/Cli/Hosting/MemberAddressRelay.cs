using Akka.Actor;
using Flock.Node;

namespace Flock.Cli.Hosting;

/// <summary>Passes the member's address to the encoder, whichever of the two is ready first.</summary>
public sealed class MemberAddressRelay
{
    private readonly Lock _gate = new();
    private IActorRef? _encoder;
    private string? _address;

    public void Attach(IActorRef encoder)
    {
        lock (_gate)
        {
            _encoder = encoder;
            if (_address is { } a) encoder.Tell(new EncoderActor.MemberUp(a), ActorRefs.NoSender);
        }
    }

    public void Report(string address)
    {
        lock (_gate)
        {
            _address = address;
            _encoder?.Tell(new EncoderActor.MemberUp(address), ActorRefs.NoSender);
        }
    }
}
