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

    /// <summary>Upper bounds of the assignment-to-result histogram of chunk attempts, in seconds.</summary>
    public static readonly double[] ChunkEncodeBuckets = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600];

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, double>> _fpsByNode = new(StringComparer.Ordinal);
    private long _bytesSent;
    private long _sourceReads;
    private long _bytesReceived;
    private long _chunkRetries;
    private long _jobsCompleted;
    private long _jobsFailed;
    private long _jobsCancelled;

    public Histogram QueueWaits { get; } = new(QueueWaitBuckets);

    /// <summary>Seconds from a chunk attempt's assignment to its result reaching the seed: the node's encode and upload.</summary>
    public Histogram ChunkEncodes { get; } = new(ChunkEncodeBuckets);

    /// <summary>The .NET runtime's own metrics of this process (CPU, memory, GC, thread pool).</summary>
    public RuntimeMetrics Runtime { get; } = new();

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public long ChunkRetries => Interlocked.Read(ref _chunkRetries);

    public void SourceBytesSent(long bytes) => Interlocked.Add(ref _bytesSent, bytes);

    /// <summary>Range reads of a job's source answered for nodes: each costs its node a round trip or two on its link.</summary>
    public long SourceReads => Interlocked.Read(ref _sourceReads);

    public void SourceRead() => Interlocked.Increment(ref _sourceReads);

    public void ResultBytesReceived(long bytes) => Interlocked.Add(ref _bytesReceived, bytes);

    /// <summary>An attempt after the first: the chunk failed or was handed back before.</summary>
    public void ChunkRetried() => Interlocked.Increment(ref _chunkRetries);

    public void QueueWaited(TimeSpan wait) => QueueWaits.Observe(Math.Max(0, wait.TotalSeconds));

    public void ChunkEncoded(TimeSpan took) => ChunkEncodes.Observe(Math.Max(0, took.TotalSeconds));

    public long JobsCompleted => Interlocked.Read(ref _jobsCompleted);

    public long JobsFailed => Interlocked.Read(ref _jobsFailed);

    public long JobsCancelled => Interlocked.Read(ref _jobsCancelled);

    /// <summary>A job this seed saw running reached a final stage (one it already had when the seed started is not counted again).</summary>
    public void JobFinished(string stage)
    {
        if (stage == Flock.Messages.Jobs.JobStates.Completed) Interlocked.Increment(ref _jobsCompleted);
        else if (stage == Flock.Messages.Jobs.JobStates.Failed) Interlocked.Increment(ref _jobsFailed);
        else if (stage == Flock.Messages.Jobs.JobStates.Cancelled) Interlocked.Increment(ref _jobsCancelled);
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
