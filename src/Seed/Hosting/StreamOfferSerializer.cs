using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Flock.Messages.Chunks;

namespace Flock.Seed.Hosting;

/// <summary>
/// <see cref="FetchSourceBytesResponse"/> on the wire: its numbers and error as they are, and its stream reference by
/// Akka.Streams' own serializer, nested, so the reference's origin resolves on the other side as any remote actor's.
/// </summary>
public sealed class StreamOfferSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Both ends must agree on it: never change it.</summary>
    public const int Id = 4103;

    public const string Name = "flock-stream-offers";

    private const string SourceBytesManifest = "fetch-source-bytes-response";

    public override int Identifier => Id;

    public override string Manifest(object o) => o is FetchSourceBytesResponse ? SourceBytesManifest : throw new ArgumentException($"{o.GetType().Name} is not a stream offer");

    public override byte[] ToBinary(object obj)
    {
        var offer = (FetchSourceBytesResponse)obj;
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(offer.Length);
            writer.Write(offer.Start);
            writer.Write(offer.End);
            writer.Write(offer.NotFound);
            writer.Write(offer.Error is not null);
            if (offer.Error is not null) writer.Write(offer.Error);
            writer.Write(offer.Bytes is not null);
            if (offer.Bytes is { } bytes)
            {
                var serializer = system.Serialization.FindSerializerFor(bytes);
                writer.Write(serializer.Identifier);
                writer.Write(Akka.Serialization.Serialization.ManifestFor(serializer, bytes));
                var nested = serializer.ToBinary(bytes);
                writer.Write(nested.Length);
                writer.Write(nested);
            }
        }
        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest != SourceBytesManifest) throw new SerializationException($"unknown stream offer {manifest}");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            var length = reader.ReadInt64();
            var start = reader.ReadInt64();
            var end = reader.ReadInt64();
            var notFound = reader.ReadBoolean();
            var error = reader.ReadBoolean() ? reader.ReadString() : null;
            Akka.Streams.ISourceRef<Akka.IO.ByteString>? stream = null;
            if (reader.ReadBoolean())
            {
                var serializerId = reader.ReadInt32();
                var nestedManifest = reader.ReadString();
                var nested = reader.ReadBytes(reader.ReadInt32());
                stream = system.Serialization.Deserialize(nested, serializerId, nestedManifest) as Akka.Streams.ISourceRef<Akka.IO.ByteString>
                    ?? throw new SerializationException("a stream offer that holds no source of bytes");
            }
            return new FetchSourceBytesResponse(length, start, end, stream, error, notFound);
        }
        catch (EndOfStreamException e)
        {
            throw new SerializationException("a truncated stream offer", e);
        }
    }
}
