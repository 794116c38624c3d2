using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;
using Flock.Messages.Cluster;

namespace Flock.Seed.Hosting;

/// <summary>
/// Binds every <see cref="ControlMessage"/> crossing Akka.Remote to its JSON wire form, with the message's "type" as the
/// manifest: strict serialization refuses anything else, and no CLR type name ever comes from the wire.
/// </summary>
public sealed class ControlMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Both ends of a link must agree on it: never change it.</summary>
    public const int Id = 4101;

    public const string Name = "flock-control";

    public override int Identifier => Id;

    public override byte[] ToBinary(object obj) => ControlChannel.Encode((ControlMessage)obj);

    public override string Manifest(object o) => ControlChannel.TypeOf((ControlMessage)o);

    /// <exception cref="SerializationException">malformed, or its "type" is not its manifest.</exception>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ControlMessage message;
        try { message = ControlChannel.Decode(bytes); }
        catch (InvalidDataException e) { throw new SerializationException(e.Message, e); }
        if (ControlChannel.TypeOf(message) != manifest) throw new SerializationException($"a control message of type {ControlChannel.TypeOf(message)} arrived as {manifest}");
        return message;
    }
}
