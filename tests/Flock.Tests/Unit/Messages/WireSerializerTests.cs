using System.Runtime.Serialization;
using Akka.IO;
using Flock.Messages.Chunks;
using Flock.Messages.Cluster;
using Flock.Seed.Hosting;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Unit.Messages;

/// <summary>What crosses Akka.Remote goes through Flock's own serializers, bound by the same configuration every process uses.</summary>
public sealed class WireSerializerTests
{
    [Fact]
    public async Task Every_control_message_should_cross_the_wire_through_the_control_serializer_with_its_type_as_manifest()
    {
        using var scratch = ScratchDirectory.Create();
        await using var flock = await FlockTestSystem.StartSqliteAsync(scratch.Path);
        var serialization = flock.System.Serialization;
        foreach (var (type, message) in ControlMessageSamples.ByType)
        {
            var serializer = serialization.FindSerializerFor(message);
            Assert.IsType<ControlMessageSerializer>(serializer);
            Assert.Equal(type, Akka.Serialization.Serialization.ManifestFor(serializer, message));
            var back = serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, type);
            Assert.Equal(ControlChannel.Encode(message), ControlChannel.Encode((ControlMessage)back));
        }
    }

    [Fact]
    public async Task A_control_message_whose_type_is_not_its_manifest_or_that_is_malformed_should_be_refused()
    {
        using var scratch = ScratchDirectory.Create();
        await using var flock = await FlockTestSystem.StartSqliteAsync(scratch.Path);
        var serialization = flock.System.Serialization;
        var bytes = ControlChannel.Encode(new RequestWork(4));

        Assert.Throws<SerializationException>(() => serialization.Deserialize(bytes, ControlMessageSerializer.Id, "heartbeat"));
        Assert.Throws<SerializationException>(() => serialization.Deserialize(bytes[..^3], ControlMessageSerializer.Id, "request-work"));
        Assert.Throws<SerializationException>(() => serialization.Deserialize(new byte[ControlChannel.MaxMessageBytes + 1], ControlMessageSerializer.Id, "request-work"));
    }

    [Fact]
    public async Task Chunk_bytes_and_a_refused_source_read_should_cross_the_wire_as_they_are()
    {
        using var scratch = ScratchDirectory.Create();
        await using var flock = await FlockTestSystem.StartSqliteAsync(scratch.Path);
        var serialization = flock.System.Serialization;
        var element = ByteString.FromBytes(Enumerable.Range(0, 65536).Select(i => (byte)(i * 31)).ToArray());
        var serializer = serialization.FindSerializerFor(element);
        Assert.IsType<ByteStringSerializer>(serializer);
        var wire = serializer.ToBinary(element);
        // As they are: 64 KiB of bytes is 64 KiB on the wire, not a JSON rendering of them.
        Assert.Equal(65536, wire.Length);
        Assert.Equal(element.ToArray(), ((ByteString)serialization.Deserialize(wire, serializer.Identifier, "")).ToArray());

        var refused = new FetchSourceBytesResponse(1000, 2000, 2000, null, "range not satisfiable");
        var offers = serialization.FindSerializerFor(refused);
        Assert.IsType<StreamOfferSerializer>(offers);
        var back = (FetchSourceBytesResponse)serialization.Deserialize(offers.ToBinary(refused), offers.Identifier, Akka.Serialization.Serialization.ManifestFor(offers, refused));
        Assert.Equal(refused, back);
        Assert.Throws<SerializationException>(() => serialization.Deserialize(offers.ToBinary(refused)[..5], offers.Identifier, "fetch-source-bytes-response"));

        // A refused result offer keeps its reason and whether the node should give up on it.
        var busy = new SendChunkResultResponse(0, null, "an upload of this result is already in progress; try again shortly");
        var gone = new SendChunkResultResponse(0, null, "no job 7", NotWanted: true);
        foreach (var offer in new[] { busy, gone })
        {
            Assert.IsType<StreamOfferSerializer>(serialization.FindSerializerFor(offer));
            Assert.Equal(offer, serialization.Deserialize(offers.ToBinary(offer), offers.Identifier, Akka.Serialization.Serialization.ManifestFor(offers, offer)));
        }
        Assert.Throws<SerializationException>(() => serialization.Deserialize(offers.ToBinary(gone), offers.Identifier, "no-such-offer"));
    }

    [Fact]
    public async Task A_chunk_stream_should_keep_at_most_half_a_megabyte_in_flight_ahead_of_the_cluster_heartbeats()
    {
        using var scratch = ScratchDirectory.Create();
        await using var flock = await FlockTestSystem.StartSqliteAsync(scratch.Path);
        // Heartbeats share the member pair's connection and wait behind what is in flight: 32 elements of 64 KiB (Akka's
        // default) held them back 2 s on a 1 MB/s link, long enough to be taken for a dead member.
        var refs = Akka.Streams.ActorMaterializerSettings.Create(flock.System).StreamRefSettings;
        Assert.True(refs.BufferCapacity * (long)Flock.Messages.Chunks.ChunkStreams.ElementBytes <= 512 * 1024, $"{refs.BufferCapacity} elements in flight");
    }
}
