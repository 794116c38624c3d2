using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flock.Messages.Cluster;

/// <summary>
/// The wire form of a <see cref="ControlMessage"/>: one JSON object whose "type" names the message, bounded in size so
/// a peer cannot make the other side parse without limit. Akka.Remote carries these bytes between a node's seed link
/// and its session on the seed (ControlMessageSerializer).
/// </summary>
public static class ControlChannel
{
    /// <summary>Far above any real message (an assignment is a few hundred bytes) and below Akka.Remote's frame size.</summary>
    public const int MaxMessageBytes = 100_000;

    private static readonly Dictionary<Type, string> Discriminators = typeof(ControlMessage).GetCustomAttributes<JsonDerivedTypeAttribute>()
        .ToDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    /// <summary>The "type" a message carries on the wire.</summary>
    /// <exception cref="ArgumentException">not a registered control message.</exception>
    public static string TypeOf(ControlMessage message) =>
        Discriminators.TryGetValue(message.GetType(), out var type) ? type : throw new ArgumentException($"{message.GetType().Name} is not a control message");

    public static byte[] Encode(ControlMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, WireJson.Options);

    /// <summary>Reads one message; anything malformed (including a missing or misplaced "type") is an <see cref="InvalidDataException"/>.</summary>
    public static ControlMessage Decode(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxMessageBytes) throw new InvalidDataException($"control message larger than {MaxMessageBytes} bytes");
        try
        {
            return JsonSerializer.Deserialize<ControlMessage>(utf8Json, WireJson.Options)
                ?? throw new InvalidDataException("empty control message");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            // System.Text.Json reports a missing or late discriminator as NotSupportedException: still just bad input.
            throw new InvalidDataException($"malformed control message: {e.Message}", e);
        }
    }
}
