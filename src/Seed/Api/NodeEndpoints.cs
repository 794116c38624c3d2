using System.Globalization;
using Akka.Actor;
using Flock.Messages;
using Flock.Messages.Chunks;
using Flock.Seed.Cluster;
using Flock.Seed.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Api;

/// <summary>
/// What nodes use over HTTP (their control messages travel over Akka.Remote): the source bytes of a job (HTTP ranges, served straight from the input
/// file: no split copy is ever written) and the upload of a chunk result (see <see cref="ResultReceiver"/>).
/// </summary>
internal static class NodeEndpoints
{
    public static void Map(IEndpointRouteBuilder app, SeedRuntime seed, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("flock.seed.nodes");
        app.MapGet("/api/jobs/{id}/source", async (HttpContext http, string id) =>
        {
            if (await Authorization.NodeOfAsync(http, seed) is null) return ApiResults.Error(401, "node token required");
            if (!JobEndpoints.IsJobId(id)) return ApiResults.Error(400, "bad job id");
            var file = await seed.Jobs.Ask<JobFileResponse>(new FetchJobFile(id, JobFileKind.Source), TimeSpan.FromSeconds(30));
            if (file.Path is null) return ApiResults.Error(404, file.Error ?? "no source");
            if (SourceByteQuery.Parse(http.Request.Query["media"], http.Request.Query["span"]) is { } span) CutRange(http, span, new FileInfo(file.Path).Length);
            // Counted as written, so a transfer cut short counts what it really sent; the server accepts (and drops)
            // writes after the node has gone, which are not.
            var body = http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            var aborted = http.RequestAborted;
            http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(new CountingStream(body.Stream, bytes =>
            {
                if (!aborted.IsCancellationRequested) seed.Metrics.SourceBytesSent(bytes);
            }), body));
            return Results.File(file.Path, "application/octet-stream", enableRangeProcessing: true);
        });

        // A two-pass chunk between its passes: the seed shares the file's bits by what its first pass spent.
        app.MapPost("/api/jobs/{id}/chunks/{index:int}/second-pass", async (HttpContext http, string id, int index, int attempt) =>
        {
            if (await Authorization.NodeOfAsync(http, seed) is not { } node) return ApiResults.Error(401, "node token required");
            if (!JobEndpoints.IsJobId(id) || index < 0 || attempt < 0) return ApiResults.Error(400, "bad job, chunk or attempt id");
            FetchSecondPassRate? request;
            try { request = await System.Text.Json.JsonSerializer.DeserializeAsync<FetchSecondPassRate>(http.Request.Body, WireJson.Options, http.RequestAborted); }
            catch (System.Text.Json.JsonException e) { return ApiResults.Error(400, $"bad request: {e.Message}"); }
            if (request is null) return ApiResults.Error(400, "bad request: empty");
            return ApiResults.Ok(await seed.Jobs.Ask<FetchSecondPassRateResponse>(new MeasureFirstPass(id, index, attempt, node, request.Weight), TimeSpan.FromSeconds(30)));
        });

        var results = new ResultReceiver(seed, log);
        app.MapMethods("/api/jobs/{id}/chunks/{index:int}/result", [HttpMethods.Head], (HttpContext http, string id, int index, int attempt) =>
            results.OffsetAsync(http, id, index, attempt));
        app.MapPut("/api/jobs/{id}/chunks/{index:int}/result", (HttpContext http, string id, int index, int attempt, CancellationToken ct) =>
            results.ReceiveAsync(http, id, index, attempt, ct));
        app.MapPut("/api/jobs/{id}/chunks/{index:int}/frames", (HttpContext http, string id, int index, int attempt, CancellationToken ct) =>
            results.ReceiveFramesAsync(http, id, index, attempt, ct));
    }

    /// <summary>Rewrites a single-range read (or a plain GET) so the answer ends where <see cref="SourceReads"/> says.</summary>
    private static void CutRange(HttpContext http, SourceByteSpan span, long length)
    {
        var ranges = http.Request.GetTypedHeaders().Range;
        long start = 0;
        long? last = null;
        if (ranges is not null)
        {
            if (ranges.Ranges.Count != 1 || ranges.Ranges.First() is not { From: { } from } range) return;
            start = from;
            last = range.To;
        }
        if (start >= length) return;
        http.Request.Headers.Range = string.Create(CultureInfo.InvariantCulture, $"bytes={start}-{SourceReads.LastByte(start, last, length, span)}");
    }
}
