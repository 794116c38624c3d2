using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Flock.Configuration;
using Flock.Messages.Chunks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Flock.Node.Connection;

/// <summary>
/// ffmpeg's way to a job's source: a loopback-only HTTP endpoint of this node that answers each of ffmpeg's range
/// reads by asking the seed, over the node's control session, for exactly that range (cut as far as the chunk needs)
/// and relaying the StreamRef of bytes the seed offers. ffmpeg sees the same seekable HTTP source as it did when it
/// read the seed directly; the bytes cross the network over Akka.Remote only. A random token keeps other local
/// processes out.
/// </summary>
public sealed class SourceRelay : IAsyncDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A stalled stream (the seed gone mid-read) fails the read; ffmpeg reconnects and asks again.</summary>
    private static readonly TimeSpan ElementTimeout = TimeSpan.FromSeconds(30);

    /// <summary>At most this much of chunks waiting in reserve is held in memory; a bigger chunk is read as it encodes.</summary>
    private const long PrefetchLimit = 512L << 20;

    /// <summary>Of the bytes every chunk of a job reads (<see cref="SourceByteCache"/>), at most this much is kept.</summary>
    private const long SharedLimit = 64L << 20;

    /// <summary>What ffmpeg read past a chunk's span before it stopped, measured on MP4 (three reads: 32, 32 and 64 KiB).</summary>
    private const long ReadPastEnd = 128 * 1024;

    /// <summary>What ffmpeg read before a chunk's first packet when it seeked there, measured on Matroska (207 bytes of cluster header).</summary>
    private const long ReadBeforeStart = 4 * 1024;

    private readonly WebApplication _app;
    private readonly SourceByteCache _shared = new(SharedLimit);
    private readonly List<Prefetched> _prefetched = [];
    private readonly TimeSpan _sessionWait;
    private SeedConnection? _connection;
    private CancellationTokenSource _session = new();
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<(ActorSystem, int), IMaterializer> _materializers = [];
    private readonly StreamWindow _window = new();
    private readonly ConcurrentDictionary<string, int> _failedAnswers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    private SourceRelay(WebApplication app, string token, TimeSpan sessionWait)
    {
        _app = app;
        Token = token;
        _sessionWait = sessionWait;
    }

    /// <summary>What ffmpeg sends as its bearer token.</summary>
    public string Token { get; }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>
    /// The session reads go through; null while the node has none. A change ends every read relayed over the old
    /// session at once (ffmpeg reconnects and reads on from where it stopped), since a stream whose seed side is gone
    /// would otherwise stall until its idle timeout.
    /// </summary>
    public SeedConnection? Connection
    {
        get
        {
            lock (_gate) return _connection;
        }
        set
        {
            lock (_gate)
            {
                if (ReferenceEquals(value, _connection)) return;
                _connection = value;
                _session.Cancel();
                _session.Dispose();
                _session = new CancellationTokenSource();
                _shared.Clear();
                _window.Reset();
                if (value is not null) _connected.TrySetResult();
                else if (_connected.Task.IsCompleted) _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>
    /// How many reads of <paramref name="url"/> (a chunk's source URL: the job and the chunk's span) this relay could not
    /// answer whole: no session, the seed refused or did not answer, the bytes stopped coming. ffmpeg prints no line of
    /// its own for an answer refused on a reconnect, only its demuxer's complaint about the file it was cut off from.
    /// </summary>
    public int FailedAnswers(string url) => _failedAnswers.TryGetValue(new Uri(url).PathAndQuery, out var n) ? n : 0;

    /// <summary>The count for <paramref name="url"/> goes once its ffmpeg run has been judged: one entry per chunk otherwise stayed for the node's life.</summary>
    public void ForgetFailedAnswers(string url) => _failedAnswers.TryRemove(new Uri(url).PathAndQuery, out _);

    private void Failed(HttpContext http) => _failedAnswers.AddOrUpdate(http.Request.Path + http.Request.QueryString, 1, (_, n) => n + 1);

    /// <summary>The session and its lifetime; a read arriving between sessions (a rejoin after a partition) waits for the next.</summary>
    private async Task<(SeedConnection Connection, CancellationToken Session)?> SessionAsync(CancellationToken aborted)
    {
        Task connected;
        lock (_gate)
        {
            if (_connection is { } now) return (now, _session.Token);
            connected = _connected.Task;
        }
        try { await connected.WaitAsync(_sessionWait, aborted).ConfigureAwait(false); }
        catch (TimeoutException) { return null; }
        lock (_gate) return _connection is { } next ? (next, _session.Token) : null;
    }

    /// <param name="sessionWait">how long a read waits for a control session when the node has none (it rejoins within seconds).</param>
    public static async Task<SourceRelay> StartAsync(ILoggerFactory logs, CancellationToken ct, TimeSpan? sessionWait = null)
    {
        var builder = FlockWebHost.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var relay = new SourceRelay(app, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), sessionWait ?? TimeSpan.FromSeconds(60));
        var log = logs.CreateLogger<SourceRelay>();
        app.MapGet("/api/jobs/{id}/source", (HttpContext http, string id) => relay.ServeAsync(http, id, log));
        await app.StartAsync(ct).ConfigureAwait(false);
        relay.BaseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return relay;
    }

    /// <summary>
    /// Reads a chunk's bytes (its container header and its packets' span) while it waits in reserve, so its encode
    /// starts on bytes already here: the next chunk arrives while the current one encodes. Also the chunk encoding now,
    /// when it is to be encoded more than once, so that its later passes do not ask the seed again.
    /// </summary>
    public void Prefetch(AssignChunk a)
    {
        if (a.SourceBytes is not { } span) return;
        lock (_gate)
        {
            if (_connection is not { } connection) return;
            var session = _session.Token;
            var held = _prefetched.Sum(p => p.End - p.Start);
            // The header is the same for every chunk of the job: fetched once, kept with the job's other shared bytes.
            var header = span.MediaStart > 0 && !_shared.Covers(a.JobId, 0, span.MediaStart) ? span.MediaStart : 0;
            var headerShared = header <= SharedLimit;
            if (held + (headerShared ? 0 : header) + (span.End - span.Start) + ReadBeforeStart + ReadPastEnd > PrefetchLimit) return;
            var key = Key(a);
            if (_prefetched.Any(p => p.Chunk == key)) return;
            if (header > 0 && headerShared) _shared.Add(a.JobId, 0, header, FetchAllAsync(connection, session, a.JobId, 0, header));
            else if (header > 0) _prefetched.Add(new Prefetched(key, a.JobId, 0, header, null, FetchAllAsync(connection, session, a.JobId, 0, header), null));
            // ffmpeg's demuxer reads a little past the chunk's last packet before its decoder lets it stop: those bytes
            // come with the rest, not as questions of their own (200 ms each on a link with 100 ms of round trip).
            // It also reads the few bytes before the span that frame its first packet (a Matroska cluster's header).
            var end = span.End + Math.Min(ReadPastEnd, (span.End - span.Start) / 32);
            var start = Math.Max(span.MediaStart, span.Start - ReadBeforeStart);
            var arrival = new Arrival();
            _prefetched.Add(new Prefetched(key, a.JobId, start, end, span, FetchAllAsync(connection, session, a.JobId, start, end, arrival), arrival));
        }
    }

    /// <summary>Whether this chunk attempt's bytes were fetched while it waited (and all arrived).</summary>
    public bool IsPrefetched(AssignChunk a)
    {
        var key = Key(a);
        lock (_gate) return _prefetched.Any(p => p.Chunk == key) && _prefetched.Where(p => p.Chunk == key).All(p => p.Bytes.IsCompletedSuccessfully && p.Bytes.Result is not null);
    }

    /// <summary>The chunk attempt ended (encoded, failed, cancelled): its prefetched bytes go.</summary>
    public void Forget(AssignChunk a)
    {
        var key = Key(a);
        lock (_gate) _prefetched.RemoveAll(p => p.Chunk == key);
    }

    private static string Key(AssignChunk a) => $"{a.JobId}/{a.ChunkIndex}/{a.Attempt}";

    /// <returns>[start, end) of the source (less where the file ends first) and its length; null when the seed could not give it all.</returns>
    /// <param name="arrival">told of the bytes as they come, for readers that need not wait for all of them.</param>
    private async Task<(byte[] Bytes, long Length)?> FetchAllAsync(SeedConnection connection, CancellationToken session, string job, long start, long end, Arrival? arrival = null)
    {
        try
        {
            var offer = await connection.AskAsync<FetchSourceBytesResponse>(new FetchSourceBytes(job, start, end - 1, null), AskTimeout, session)
                .ConfigureAwait(false);
            if (offer.Bytes is not { } bytes || offer.Start != start || (offer.End != end && offer.End != offer.Length)) return null;
            var buffer = new byte[offer.End - start];
            arrival?.Started(buffer, offer.Length);
            var at = 0;
            var since = 0L;
            await bytes.Source.Via(Flow.Create<ByteString>().IdleTimeout(ElementTimeout))
                .RunForeach(element =>
                {
                    if (at == 0) since = Stopwatch.GetTimestamp();
                    element.CopyTo(buffer, at, element.Count);
                    at += element.Count;
                    arrival?.Filled(at);
                }, MaterializerFor(connection.System)).WaitAsync(session).ConfigureAwait(false);
            if (at != buffer.Length) return null;
            // Nothing but the link slows a fetch into memory: its rate is what the next streams' window is sized by.
            _window.Measured(at, Stopwatch.GetElapsedTime(since));
            return (buffer, offer.Length);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // ffmpeg's reads then go to the seed as they come.
            return null;
        }
    }

    /// <summary>
    /// A read that starts inside bytes this node holds for the job, answered from them as the seed would have cut it:
    /// a chunk's prefetched span, or the bytes every chunk reads. Another chunk's span still on its way is not waited
    /// for (a read just past this chunk's end would wait for all of the next chunk's bytes): the seed answers it. The
    /// chunk's own span still on its way answers as far as it has arrived; ffmpeg reads on from there.
    /// </summary>
    private async Task<bool> ServeHeldAsync(HttpContext http, string id, long start, long? last, SourceByteSpan? span)
    {
        Prefetched? hit;
        lock (_gate)
            hit = _prefetched.FirstOrDefault(p => p.JobId == id && p.Start <= start && start < p.End
                && (p.Bytes.IsCompleted || p.Span is null || (span is not null && p.Span == span)));
        if (hit is { Arrival: { } arrival } && await ServeArrivingAsync(http, hit, arrival, start, last, span).ConfigureAwait(false)) return true;
        var (from, held) = hit is not null ? (hit.Start, hit.Bytes)
            : _shared.Find(id, start) is { } piece ? (piece.Start, piece.Bytes) : (0L, null);
        if (held is null || await held.ConfigureAwait(false) is not var (bytes, length) || start >= from + bytes.Length) return false;
        var end = Math.Min(from + bytes.Length, SourceReads.LastByteFor(start, last, length, span) + 1);
        AnswerPartial(http, start, end, length);
        await http.Response.Body.WriteAsync(bytes.AsMemory((int)(start - from), (int)(end - start)), http.RequestAborted).ConfigureAwait(false);
        return true;
    }

    /// <summary>Answers from <paramref name="hit"/>'s bytes that have arrived once the one at <paramref name="start"/> has; false once the fetch ended (whole or failed).</summary>
    private static async Task<bool> ServeArrivingAsync(HttpContext http, Prefetched hit, Arrival arrival, long start, long? last, SourceByteSpan? span)
    {
        while (true)
        {
            var grew = arrival.Grew;
            if (hit.Bytes.IsCompleted) return false;
            if (arrival.Buffer is { } buffer && arrival.Arrived > start - hit.Start)
            {
                var end = Math.Min(hit.Start + arrival.Arrived, SourceReads.LastByteFor(start, last, arrival.Length, span) + 1);
                AnswerPartial(http, start, end, arrival.Length);
                await http.Response.Body.WriteAsync(buffer.AsMemory((int)(start - hit.Start), (int)(end - start)), http.RequestAborted).ConfigureAwait(false);
                return true;
            }
            await Task.WhenAny(grew, hit.Bytes).WaitAsync(http.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>206 headers for bytes [start, end) of a file <paramref name="length"/> long, as the seed's own range answers had them.</summary>
    private static void AnswerPartial(HttpContext http, long start, long end, long length)
    {
        http.Response.StatusCode = 206;
        http.Response.Headers.AcceptRanges = "bytes";
        http.Response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {start}-{end - 1}/{length}");
        http.Response.ContentLength = end - start;
        http.Response.ContentType = "application/octet-stream";
    }

    /// <param name="Span">the chunk's span these bytes were fetched for; null for its container header.</param>
    /// <param name="Arrival">the bytes as they come, for a chunk's span (its own reader need not wait for all of them).</param>
    private sealed record Prefetched(string Chunk, string JobId, long Start, long End, SourceByteSpan? Span, Task<(byte[] Bytes, long Length)?> Bytes, Arrival? Arrival);

    private async Task ServeAsync(HttpContext http, string id, ILogger log)
    {
        var given = http.Request.Headers.Authorization.ToString();
        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes($"Bearer {Token}")))
        {
            http.Response.StatusCode = 401;
            return;
        }
        if (await SessionAsync(http.RequestAborted).ConfigureAwait(false) is not var (connection, session))
        {
            http.Response.StatusCode = 503;
            Failed(http);
            return;
        }
        using var read = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, session);
        long start = 0;
        long? last = null;
        var range = new RequestHeaders(http.Request.Headers).Range;
        if (range is not null)
        {
            // ffmpeg asks one open-ended or closed range at a time.
            if (range.Ranges.Count != 1 || range.Ranges.First() is not { From: { } from } only)
            {
                http.Response.StatusCode = 416;
                return;
            }
            start = from;
            last = only.To;
        }
        var span = SourceByteQuery.Parse(http.Request.Query["media"], http.Request.Query["span"]);
        if (await ServeHeldAsync(http, id, start, last, span).ConfigureAwait(false)) return;
        FetchSourceBytesResponse offer;
        try
        {
            offer = await connection.AskAsync<FetchSourceBytesResponse>(new FetchSourceBytes(id, start, last, span), AskTimeout, read.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or OperationCanceledException)
        {
            // A session that ended under the question: a broken connection makes ffmpeg ask again, into the next one.
            if (http.RequestAborted.IsCancellationRequested) return;
            Failed(http);
            if (session.IsCancellationRequested) http.Abort();
            else http.Response.StatusCode = 504;
            return;
        }
        if (offer.Bytes is not { } bytes)
        {
            if (!offer.NotFound && offer.Length > 0 && start >= offer.Length)
            {
                http.Response.StatusCode = 416;
                http.Response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes */{offer.Length}");
                return;
            }
            log.LogDebug("source read of job {Job} from {Start} refused: {Error}", id, start, offer.Error);
            http.Response.StatusCode = offer.NotFound ? 404 : 502;
            Failed(http);
            return;
        }
        AnswerPartial(http, offer.Start, offer.End, offer.Length);
        var body = http.Response.Body;
        var aborted = read.Token;
        // Bytes outside the chunk's own span are what the next chunk's ffmpeg reads again: kept for it.
        var copy = span is { } mine && (offer.End <= mine.Start || offer.Start >= mine.End) && offer.End - offer.Start <= SharedLimit / 8
            ? new byte[offer.End - offer.Start] : null;
        var copied = 0;
        try
        {
            await bytes.Source
                .Via(Flow.Create<ByteString>().IdleTimeout(ElementTimeout))
                .RunWith(Sink.ForEachAsync<ByteString>(1, async element =>
                {
                    aborted.ThrowIfCancellationRequested();
                    if (copy is not null && copied + element.Count <= copy.Length)
                    {
                        element.CopyTo(copy, copied, element.Count);
                        copied += element.Count;
                    }
                    await element.WriteToAsync(body).ConfigureAwait(false);
                }), MaterializerFor(connection.System)).WaitAsync(aborted).ConfigureAwait(false);
            if (copy is not null && copied == copy.Length)
                _shared.Add(id, offer.Start, offer.End, Task.FromResult<(byte[] Bytes, long Length)?>((copy, offer.Length)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The status is sent: a short body is all ffmpeg can be told, and it reads on from where this one ended.
            log.LogDebug("source read of job {Job} from {Start} ended early: {Error}", id, start, e.Message);
            // ffmpeg closing a read it no longer wants (a seek) is no failure of the link.
            if (!http.RequestAborted.IsCancellationRequested) Failed(http);
            http.Abort();
        }
    }

    /// <summary>
    /// Streams run in the member system the session lives in; a fresh member system gets its own materializers. A
    /// StreamRef's buffer is its materializer's setting, so each window (<see cref="StreamWindow"/>) has its own.
    /// </summary>
    private IMaterializer MaterializerFor(ActorSystem system)
    {
        var elements = _window.Elements;
        lock (_gate)
        {
            foreach (var gone in _materializers.Keys.Where(k => k.Item1.WhenTerminated.IsCompleted).ToList()) _materializers.Remove(gone);
            if (!_materializers.TryGetValue((system, elements), out var materializer))
                _materializers[(system, elements)] = materializer = system.Materializer(ChunkStreams.WithWindow(system, elements));
            return materializer;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
