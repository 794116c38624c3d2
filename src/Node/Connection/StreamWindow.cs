using Flock.Messages.Chunks;

namespace Flock.Node.Connection;

/// <summary>
/// How many elements of a source stream from the seed may be in flight at once (the StreamRef's buffer, which is the
/// demand this node grants). A chunk stream shares its member pair's one connection with the cluster's heartbeats,
/// which wait behind whatever of it is queued, so the window holds what the link carries in half a second: on a 1 MB/s
/// uplink that is 8 elements (512 KiB), where 32 held heartbeats back for 2 s and more. But 8 elements per round trip
/// cap a stream at 5 MB/s on a link with 100 ms of round trip, however fast the link: a node on a distant cloud
/// machine took 21 s for a job a node next to the seed did in 10, and 12 s with 32 elements. So the window starts
/// narrow and follows the rate the node's last whole-chunk fetch measured. Thread-safe.
/// </summary>
public sealed class StreamWindow
{
    public const int Narrowest = ChunkStreams.NarrowestWindow;
    public const int Widest = ChunkStreams.WidestWindow;

    /// <summary>At most this much of the link's time queued ahead of a heartbeat.</summary>
    public static readonly TimeSpan QueueBound = TimeSpan.FromMilliseconds(500);

    /// <summary>Below this a fetch says more about its start than about the link.</summary>
    public const long SmallestMeasured = 1L << 20;

    private int _elements = Narrowest;

    public int Elements => Volatile.Read(ref _elements);

    /// <summary>A fetch of <paramref name="bytes"/> took <paramref name="elapsed"/> from its first element to its last.</summary>
    public void Measured(long bytes, TimeSpan elapsed)
    {
        if (bytes < SmallestMeasured || elapsed <= TimeSpan.Zero) return;
        Volatile.Write(ref _elements, For(bytes / elapsed.TotalSeconds, Elements));
    }

    /// <summary>A new session may be over another link: narrow again until measured.</summary>
    public void Reset() => Volatile.Write(ref _elements, Narrowest);

    /// <summary>
    /// The window for a link measured at <paramref name="bytesPerSecond"/> with <paramref name="current"/> elements:
    /// half a second of it, in powers of two between <see cref="Narrowest"/> and <see cref="Widest"/> (each its own
    /// materializer). A rate that did not fill the window it was measured with was the link's; one that did may have been
    /// the window's, so the window may only grow by a step at a time.
    /// </summary>
    public static int For(double bytesPerSecond, int current)
    {
        var fits = bytesPerSecond * QueueBound.TotalSeconds / ChunkStreams.ElementBytes;
        var elements = Narrowest;
        while (elements * 2 <= fits && elements < Widest) elements *= 2;
        return Math.Min(elements, Math.Max(current, Narrowest) * 2);
    }
}
