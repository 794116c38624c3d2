namespace Flock.Messages.Chunks;

/// <summary>How chunk bytes cross between members as StreamRefs: source bytes to nodes and results back alike.</summary>
public static class ChunkStreams
{
    /// <summary>64 KiB: a remote message over maximum-frame-size (128000 bytes) would hang the stream, not fail it.</summary>
    public const int ElementBytes = 64 * 1024;

    /// <summary>
    /// The fewest elements of a chunk stream in flight at once (the StreamRef's buffer, the demand its receiver grants):
    /// 512 KiB, half a second of a 1 MB/s uplink, where more held the cluster's heartbeats back behind the stream.
    /// </summary>
    public const int NarrowestWindow = 8;

    /// <summary>The most: 2 MiB, what half a second of a link carries at 4 MB/s and more.</summary>
    public const int WidestWindow = 32;

    /// <summary>
    /// The window a receiver grants a sender that asked for <paramref name="asked"/> elements: a power of two within
    /// bounds (each is a materializer of its own), the narrowest when it asked for none.
    /// </summary>
    public static int Window(int asked) =>
        asked <= NarrowestWindow ? NarrowestWindow : Math.Min(WidestWindow, 1 << System.Numerics.BitOperations.Log2((uint)asked));

    /// <summary>A StreamRef's buffer is its materializer's setting, not an attribute of its stream: settings for a materializer whose StreamRefs hold <paramref name="elements"/>.</summary>
    public static Akka.Streams.ActorMaterializerSettings WithWindow(Akka.Actor.ActorSystem system, int elements)
    {
        var settings = Akka.Streams.ActorMaterializerSettings.Create(system);
        return settings.WithStreamRefSettings(settings.StreamRefSettings.WithBufferCapacity(elements));
    }
}
