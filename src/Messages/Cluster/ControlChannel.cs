using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Flock.Messages.Cluster;

/// <summary>
/// Reads and writes <see cref="ControlMessage"/>s on a WebSocket: one JSON text message each, bounded in size so a
/// peer cannot make the other side buffer without limit.
/// </summary>
public static class ControlChannel
{
    public const int MaxMessageBytes = 1 << 20;

    public static async Task SendAsync(WebSocket socket, ControlMessage message, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, WireJson.Options);
        await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct).ConfigureAwait(false);
    }

    /// <returns>the next message, or null when the peer closed the connection.</returns>
    /// <exception cref="InvalidDataException">oversized, binary or malformed message.</exception>
    public static async Task<ControlMessage?> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var result = await socket.ReceiveAsync(memory, ct).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            if (result.MessageType != WebSocketMessageType.Text) throw new InvalidDataException("binary frames are not part of the control protocol");
            buffer.Advance(result.Count);
            if (buffer.WrittenCount > MaxMessageBytes) throw new InvalidDataException($"control message larger than {MaxMessageBytes} bytes");
            if (result.EndOfMessage) break;
        }
        return Decode(buffer.WrittenSpan);
    }

    /// <summary>Reads one message; anything malformed (including a missing or misplaced "type") is an <see cref="InvalidDataException"/>.</summary>
    public static ControlMessage Decode(ReadOnlySpan<byte> utf8Json)
    {
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
