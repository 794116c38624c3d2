using System.Globalization;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
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

    private readonly WebApplication _app;
    private volatile SeedConnection? _connection;
    private readonly Dictionary<ActorSystem, IMaterializer> _materializers = [];
    private readonly Lock _gate = new();

    private SourceRelay(WebApplication app, string token)
    {
        _app = app;
        Token = token;
    }

    /// <summary>What ffmpeg sends as its bearer token.</summary>
    public string Token { get; }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The session reads go through; null while the node has none (ffmpeg's reads then fail and are retried).</summary>
    public SeedConnection? Connection
    {
        get => _connection;
        set => _connection = value;
    }

    public static async Task<SourceRelay> StartAsync(ILoggerFactory logs, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var relay = new SourceRelay(app, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        var log = logs.CreateLogger<SourceRelay>();
        app.MapGet("/api/jobs/{id}/source", (HttpContext http, string id) => relay.ServeAsync(http, id, log));
        await app.StartAsync(ct).ConfigureAwait(false);
        relay.BaseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return relay;
    }

    private async Task ServeAsync(HttpContext http, string id, ILogger log)
    {
        var given = http.Request.Headers.Authorization.ToString();
        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes($"Bearer {Token}")))
        {
            http.Response.StatusCode = 401;
            return;
        }
        if (_connection is not { } connection)
        {
            http.Response.StatusCode = 503;
            return;
        }
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
        FetchSourceBytesResponse offer;
        try
        {
            offer = await connection.AskAsync<FetchSourceBytesResponse>(new FetchSourceBytes(id, start, last, span), AskTimeout, http.RequestAborted)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or OperationCanceledException)
        {
            http.Response.StatusCode = 504;
            return;
        }
        if (offer.Bytes is not { } bytes)
        {
            if (offer.Error is { } error && !offer.NotFound && offer.Length > 0 && start >= offer.Length)
            {
                http.Response.StatusCode = 416;
                http.Response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes */{offer.Length}");
                return;
            }
            log.LogDebug("source read of job {Job} from {Start} refused: {Error}", id, start, offer.Error);
            http.Response.StatusCode = offer.NotFound ? 404 : 502;
            return;
        }
        http.Response.StatusCode = 206;
        http.Response.Headers.AcceptRanges = "bytes";
        http.Response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {offer.Start}-{offer.End - 1}/{offer.Length}");
        http.Response.ContentLength = offer.End - offer.Start;
        http.Response.ContentType = "application/octet-stream";
        var body = http.Response.Body;
        var aborted = http.RequestAborted;
        try
        {
            await bytes.Source
                .Via(Flow.Create<ByteString>().IdleTimeout(ElementTimeout))
                .RunWith(Sink.ForEachAsync<ByteString>(1, async element =>
                {
                    aborted.ThrowIfCancellationRequested();
                    await element.WriteToAsync(body).ConfigureAwait(false);
                }), MaterializerFor(connection.System)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The status is sent: a short body is all ffmpeg can be told, and it reads on from where this one ended.
            log.LogDebug("source read of job {Job} from {Start} ended early: {Error}", id, start, e.Message);
            http.Abort();
        }
    }

    /// <summary>Streams run in the member system the session lives in; a fresh member system gets its own materializer.</summary>
    private IMaterializer MaterializerFor(ActorSystem system)
    {
        lock (_gate)
        {
            foreach (var gone in _materializers.Keys.Where(s => s.WhenTerminated.IsCompleted).ToList()) _materializers.Remove(gone);
            if (!_materializers.TryGetValue(system, out var materializer)) _materializers[system] = materializer = system.Materializer();
            return materializer;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
