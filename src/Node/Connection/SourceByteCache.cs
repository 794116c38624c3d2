namespace Flock.Node.Connection;

/// <summary>
/// Bytes of a job's source that every chunk's ffmpeg reads, whichever chunk it encodes: the container's header, the
/// demuxer's stream-info reads at the start of the media, a trailing index (an MP4's moov at the end, Matroska cues).
/// Kept per job so that they cross the network once per node, not once per chunk: on a link with 100 ms of round trip
/// each of those reads cost 200 ms (the question, then the stream's handshake), about 0.8 s a chunk, and a
/// faststart MP4's header (megabytes on a long film) was sent again with every chunk. The source does not change
/// while its job runs, so a byte read once is the byte the seed would send again. Least recently used pieces go first
/// beyond the capacity. Thread-safe.
/// </summary>
public sealed class SourceByteCache(long capacity)
{
    private readonly LinkedList<Piece> _pieces = [];
    private readonly Lock _gate = new();
    private long _held;

    /// <summary>[Start, End) of a job's source; <see cref="Bytes"/> null once the read behind it failed.</summary>
    public sealed record Piece(string JobId, long Start, long End, Task<(byte[] Bytes, long Length)?> Bytes);

    /// <summary>Bytes held or on their way.</summary>
    public long Held
    {
        get
        {
            lock (_gate) return _held;
        }
    }

    /// <summary>Keeps [start, end) of the job's source once <paramref name="bytes"/> has them; a read that fails leaves nothing behind.</summary>
    public void Add(string jobId, long start, long end, Task<(byte[] Bytes, long Length)?> bytes)
    {
        if (end <= start || end - start > capacity) return;
        var piece = new Piece(jobId, start, end, bytes);
        lock (_gate)
        {
            if (_pieces.Any(p => p.JobId == jobId && p.Start <= start && end <= p.End)) return;
            _pieces.AddFirst(piece);
            _held += end - start;
            while (_held > capacity && _pieces.Last is { } oldest)
            {
                _pieces.RemoveLast();
                _held -= oldest.Value.End - oldest.Value.Start;
            }
        }
        _ = bytes.ContinueWith(t =>
        {
            if (!t.IsCompletedSuccessfully || t.Result is null) Remove(piece);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The piece of the job's source that holds <paramref name="position"/>, held or on its way; null if none.</summary>
    public Piece? Find(string jobId, long position)
    {
        lock (_gate)
        {
            for (var node = _pieces.First; node is not null; node = node.Next)
            {
                var p = node.Value;
                if (p.JobId != jobId || position < p.Start || position >= p.End) continue;
                if (p.Bytes.IsCompleted && (!p.Bytes.IsCompletedSuccessfully || p.Bytes.Result is null)) continue;
                _pieces.Remove(node);
                _pieces.AddFirst(p);
                return p;
            }
            return null;
        }
    }

    /// <summary>Whether [start, end) of the job's source is held or on its way in one piece.</summary>
    public bool Covers(string jobId, long start, long end)
    {
        lock (_gate) return _pieces.Any(p => p.JobId == jobId && p.Start <= start && end <= p.End);
    }

    /// <summary>Drops every piece: a new session may be with another seed, whose job of the same id reads another file.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _pieces.Clear();
            _held = 0;
        }
    }

    private void Remove(Piece piece)
    {
        lock (_gate)
        {
            if (_pieces.Remove(piece)) _held -= piece.End - piece.Start;
        }
    }
}
