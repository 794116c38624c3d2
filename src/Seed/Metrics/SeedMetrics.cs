using System.Collections.Concurrent;

namespace Flock.Seed.Metrics;

/// <summary>
/// The seed's event counters, fed where the events happen (bytes served and received by the endpoints, assignments by
/// the queue, progress by the cluster actor) and read by /metrics. Gauges such as jobs by state are not kept here:
/// they are asked of the actors at scrape time, so they can never drift from what the API shows.
/// </summary>
public sealed class SeedMetrics
{
    /// <summary>Upper bounds of the submit-to-first-assignment histogram, in seconds.</summary>
    public static readonly double[] QueueWaitBuckets = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600];

    private readonly long[] _queueWaitCounts = new long[QueueWaitBuckets.Length + 1];
    private readonly object _queueWaitLock = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, double>> _fpsByNode = new(StringComparer.Ordinal);
    private double _queueWaitSum;
    private long _bytesSent;
    private long _bytesReceived;
    private long _chunkRetries;

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public long ChunkRetries => Interlocked.Read(ref _chunkRetries);

    public void SourceBytesSent(long bytes) => Interlocked.Add(ref _bytesSent, bytes);

    public void ResultBytesReceived(long bytes) => Interlocked.Add(ref _bytesReceived, bytes);

    /// <summary>An attempt after the first: the chunk failed or was handed back before.</summary>
    public void ChunkRetried() => Interlocked.Increment(ref _chunkRetries);

    public void QueueWaited(TimeSpan wait)
    {
        var seconds = Math.Max(0, wait.TotalSeconds);
        var bucket = Array.FindIndex(QueueWaitBuckets, b => seconds <= b);
        lock (_queueWaitLock)
        {
            _queueWaitCounts[bucket < 0 ? QueueWaitBuckets.Length : bucket]++;
            _queueWaitSum += seconds;
        }
    }

    /// <summary>Counts per bucket (not cumulative; the last is above every bound), and the sum of all waits.</summary>
    public (long[] Counts, double Sum) QueueWait()
    {
        lock (_queueWaitLock) return ((long[])_queueWaitCounts.Clone(), _queueWaitSum);
    }

    public void ChunkProgressed(string node, string chunkId, double framesPerSecond) =>
        _fpsByNode.GetOrAdd(node, _ => new ConcurrentDictionary<string, double>(StringComparer.Ordinal))[chunkId] = framesPerSecond;

    public void ChunkLeft(string node, string chunkId)
    {
        if (_fpsByNode.TryGetValue(node, out var chunks)) chunks.TryRemove(chunkId, out _);
    }

    public void NodeIdle(string node)
    {
        if (_fpsByNode.TryGetValue(node, out var chunks)) chunks.Clear();
    }

    /// <summary>Frames per second a node encodes right now: the sum over the chunks it is encoding.</summary>
    public double FramesPerSecond(string node) => _fpsByNode.TryGetValue(node, out var chunks) ? chunks.Values.Sum() : 0;
}
