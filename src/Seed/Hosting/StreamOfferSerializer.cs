using System.Runtime.Serialization;
using Akka.Actor;
using Akka.IO;
using Akka.Serialization;
using Akka.Streams;
using Flock.Messages.Chunks;

namespace Flock.Seed.Hosting;

/// <summary>
/// The answers that carry a stream of chunk bytes (<see cref="FetchSourceBytesResponse"/> to a node,
/// <see cref="SendChunkResultResponse"/> from it) on the wire: their numbers and error as they are, and the stream
/// reference by Akka.Streams' own serializer, nested, so the reference's origin resolves on the other side as any
/// remote actor's.
/// </summary>
public sealed class StreamOfferSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Both ends must agree on it: never change it.</summary>
    public const int Id = 4103;

    public const string Name = "flock-stream-offers";

    private const string SourceBytesManifest = "fetch-source-bytes-response";
    private const string ResultBytesManifest = "send-chunk-result-response";

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        FetchSourceBytesResponse => SourceBytesManifest,
        SendChunkResultResponse => ResultBytesManifest,
        _ => throw new ArgumentException($"{o.GetType().Name} is not a stream offer"),
    };

    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            switch (obj)
            {
                case FetchSourceBytesResponse offer:
                    writer.Write(offer.Length);
                    writer.Write(offer.Start);
                    writer.Write(offer.End);
                    writer.Write(offer.NotFound);
                    WriteError(writer, offer.Error);
                    WriteStream(writer, offer.Bytes);
                    break;
                case SendChunkResultResponse offer:
                    writer.Write(offer.Held);
                    writer.Write(offer.NotWanted);
                    WriteError(writer, offer.Error);
                    WriteStream(writer, offer.Bytes);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType().Name} is not a stream offer");
            }
        }
        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            switch (manifest)
            {
                case SourceBytesManifest:
                {
                    var length = reader.ReadInt64();
                    var start = reader.ReadInt64();
                    var end = reader.ReadInt64();
                    var notFound = reader.ReadBoolean();
                    var error = ReadError(reader);
                    return new FetchSourceBytesResponse(length, start, end, ReadStream<ISourceRef<ByteString>>(reader), error, notFound);
                }
                case ResultBytesManifest:
                {
                    var held = reader.ReadInt64();
                    var notWanted = reader.ReadBoolean();
                    var error = ReadError(reader);
                    return new SendChunkResultResponse(held, ReadStream<ISinkRef<ByteString>>(reader), error, notWanted);
                }
                default:
                    throw new SerializationException($"unknown stream offer {manifest}");
            }
        }
        catch (EndOfStreamException e)
        {
            throw new SerializationException("a truncated stream offer", e);
        }
    }

    private static void WriteError(BinaryWriter writer, string? error)
    {
        writer.Write(error is not null);
        if (error is not null) writer.Write(error);
    }

    private static string? ReadError(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    private void WriteStream(BinaryWriter writer, object? stream)
    {
        writer.Write(stream is not null);
        if (stream is null) return;
        var serializer = system.Serialization.FindSerializerFor(stream);
        writer.Write(serializer.Identifier);
        writer.Write(Akka.Serialization.Serialization.ManifestFor(serializer, stream));
        var nested = serializer.ToBinary(stream);
        writer.Write(nested.Length);
        writer.Write(nested);
    }

    private T? ReadStream<T>(BinaryReader reader) where T : class
    {
        if (!reader.ReadBoolean()) return null;
        var serializerId = reader.ReadInt32();
        var nestedManifest = reader.ReadString();
        var nested = reader.ReadBytes(reader.ReadInt32());
        return system.Serialization.Deserialize(nested, serializerId, nestedManifest) as T
            ?? throw new SerializationException($"a stream offer that holds no {typeof(T).Name}");
    }
}
