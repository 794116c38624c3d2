using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Flock.Messages;
using Flock.Messages.Chunks;
using Flock.Messages.Cluster;
using Xunit;

namespace Flock.Tests.Unit.Messages;

/// <summary>Every control message survives the wire unchanged and says what it is in kebab-case.</summary>
public sealed class ControlMessageRoundTripTests
{
    [Theory]
    [MemberData(nameof(ControlMessageSamples.Types), MemberType = typeof(ControlMessageSamples))]
    public void Message_should_carry_its_kebab_case_type_first(string type)
    {
        var json = JsonSerializer.Serialize(ControlMessageSamples.ByType[type], WireJson.Options);

        // First, because the reader needs the discriminator before it knows which members to expect.
        Assert.StartsWith($"{{\"type\":\"{type}\",", json);
    }

    [Theory]
    [MemberData(nameof(ControlMessageSamples.Types), MemberType = typeof(ControlMessageSamples))]
    public void Message_should_round_trip_with_every_member(string type)
    {
        var sent = ControlMessageSamples.ByType[type];

        var json = JsonSerializer.Serialize(sent, WireJson.Options);
        var received = JsonSerializer.Deserialize<ControlMessage>(json, WireJson.Options);

        Assert.NotNull(received);
        AssertSameMembers(sent, received);
    }

    [Fact]
    public void Samples_should_cover_every_message_the_protocol_declares()
    {
        // A new message type without a sample here would go untested, and one without [JsonDerivedType] cannot be sent.
        var declared = typeof(ControlMessage).GetCustomAttributes<JsonDerivedTypeAttribute>()
            .ToDictionary(a => (string)a.TypeDiscriminator!, a => a.DerivedType);
        var concrete = typeof(ControlMessage).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(ControlMessage)) && !t.IsAbstract);

        Assert.Equal(declared.Keys.Order(), ControlMessageSamples.ByType.Keys.Order());
        Assert.All(ControlMessageSamples.ByType, s => Assert.Equal(declared[s.Key], s.Value.GetType()));
        Assert.Equal(concrete.OrderBy(t => t.Name), declared.Values.OrderBy(t => t.Name));
    }

    [Fact]
    public void Message_members_should_be_camel_case_and_keep_nulls()
    {
        var json = JsonSerializer.Serialize(ControlMessageSamples.ByType["assign-chunk"], WireJson.Options);

        Assert.Contains("\"chunkIndex\":4", json);
        Assert.Contains("\"timeBaseDenominator\":12800", json);
        // "to the end" is a null EndPts: a node must see it said, not guess from absence.
        Assert.Contains("\"endPts\":null", json);
    }

    [Fact]
    public void Chunk_assignment_should_keep_the_seek_time_exactly()
    {
        // A rounded seek could land on the keyframe before the chunk's first frame.
        var sent = (AssignChunk)ControlMessageSamples.ByType["assign-chunk"];

        var received = Assert.IsType<AssignChunk>(WireJson.Deserialize<ControlMessage>(WireJson.Serialize<ControlMessage>(sent)));

        Assert.Equal(sent.SeekSeconds, received.SeekSeconds);
    }

    private static void AssertSameMembers(object expected, object actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        foreach (var property in expected.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var e = property.GetValue(expected);
            var a = property.GetValue(actual);
            // Records compare lists by reference, so lists are compared item by item.
            if (e is IEnumerable list and not string)
                Assert.Equal(list.Cast<object>(), Assert.IsAssignableFrom<IEnumerable>(a).Cast<object>());
            else
                Assert.Equal(e, a);
        }
    }
}
