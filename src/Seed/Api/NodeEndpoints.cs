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
/// What nodes use over HTTP: the upload of a chunk result (see <see cref="ResultReceiver"/>) and a two-pass chunk's
/// rate between its passes. Their control messages and the source bytes they read travel over Akka.Remote
/// (<see cref="Cluster.NodeSessionActor"/>, <see cref="Transfers.SourceStreams"/>).
/// </summary>
internal static class NodeEndpoints
{
    public static void Map(IEndpointRouteBuilder app, SeedRuntime seed, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("flock.seed.nodes");
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
}
