using Akka.Actor;
using Akka.IO;
using Akka.Serialization;

namespace Flock.Seed.Hosting;

/// <summary>
/// Chunk bytes in stream elements as they are: Akka has no binding for <see cref="ByteString"/> and would fall back to
/// JSON (a 64 KiB element became about 234 KB), which strict serialization refuses anyway.
/// </summary>
public sealed class ByteStringSerializer(ExtendedActorSystem system) : Serializer(system)
{
    /// <summary>Both ends of a stream must agree on it: never change it.</summary>
    public const int Id = 4102;

    public const string Name = "flock-bytes";

    public override int Identifier => Id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => ((ByteString)obj).ToArray();

    public override object FromBinary(byte[] bytes, Type type) => ByteString.FromBytes(bytes);
}
