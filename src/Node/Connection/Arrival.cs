namespace Flock.Node.Connection;

/// <summary>
/// The bytes of one fetch as they arrive, so that ffmpeg reads a chunk's first bytes while its last ones are still on
/// their way instead of waiting for all of them: a chunk fetched when its encode starts (the node's first, or one whose
/// reserve fetch did not finish) is then one stream, where ffmpeg's own growing reads each cost two round trips. Set
/// by the one fetch that owns it, read by any number of readers. Thread-safe.
/// </summary>
public sealed class Arrival
{
    private TaskCompletionSource _grew = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _buffer;
    private long _length;
    private int _arrived;

    /// <summary>The buffer being filled, once the seed's answer said how long it is; null before.</summary>
    public byte[]? Buffer => Volatile.Read(ref _buffer);

    /// <summary>The source file's length, from the seed's answer.</summary>
    public long Length => Volatile.Read(ref _length);

    /// <summary>How many bytes of <see cref="Buffer"/> from its start have arrived.</summary>
    public int Arrived => Volatile.Read(ref _arrived);

    /// <summary>Completes at the next change; take it before looking at <see cref="Arrived"/>, so no change is missed.</summary>
    public Task Grew => Volatile.Read(ref _grew).Task;

    public void Started(byte[] buffer, long length)
    {
        Volatile.Write(ref _length, length);
        Volatile.Write(ref _buffer, buffer);
        Pulse();
    }

    public void Filled(int arrived)
    {
        Volatile.Write(ref _arrived, arrived);
        Pulse();
    }

    private void Pulse() =>
        Interlocked.Exchange(ref _grew, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
