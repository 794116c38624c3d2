using Akka.Actor;
using Flock.Messages;
using Flock.Seed.Cluster;
using Flock.Seed.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Api;

/// <summary>
/// What nodes use: the control WebSocket, the source bytes of a job (HTTP ranges, served straight from the input
/// file: no split copy is ever written) and the upload of a chunk result (see <see cref="ResultReceiver"/>).
/// </summary>
internal static class NodeEndpoints
{
    public static void Map(IEndpointRouteBuilder app, SeedRuntime seed, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("flock.seed.nodes");
        var connections = 0;

        app.Map("/api/nodes/connect", async (HttpContext http) =>
        {
            if (!http.WebSockets.IsWebSocketRequest) return ApiResults.Error(400, "expected a WebSocket");
            if (Interlocked.Increment(ref connections) > seed.Options.MaxNodeConnections)
            {
                Interlocked.Decrement(ref connections);
                log.LogWarning("refused a node connection from {Address}: {Max} already open (flock.seed.max-node-connections)", http.Connection.RemoteIpAddress, seed.Options.MaxNodeConnections);
                return ApiResults.Error(503, "the seed has as many node connections as it accepts");
            }
            try
            {
                using var socket = await http.WebSockets.AcceptWebSocketAsync();
                var address = $"{http.Connection.RemoteIpAddress}:{http.Connection.RemotePort}";
                // A stopping seed closes each node's connection itself (the node hears "seed stopping" and reconnects
                // with backoff) rather than leaving Kestrel to wait out its shutdown timeout on open WebSockets.
                var lifetime = http.RequestServices.GetRequiredService<IHostApplicationLifetime>();
                using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
                await new NodeSession(socket, http.Connection.RemoteIpAddress, address, seed.Key, seed.Cluster, seed.Options.HeartbeatInterval, seed.AuthFailures, log)
                    .RunAsync(stopping.Token);
                return Results.Empty;
            }
            finally
            {
                Interlocked.Decrement(ref connections);
            }
        });

        app.MapGet("/api/jobs/{id}/source", async (HttpContext http, string id) =>
        {
            if (await Authorization.NodeOfAsync(http, seed) is null) return ApiResults.Error(401, "node token required");
            if (!JobEndpoints.IsJobId(id)) return ApiResults.Error(400, "bad job id");
            var file = await seed.Jobs.Ask<JobFileResponse>(new FetchJobFile(id, JobFileKind.Source), TimeSpan.FromSeconds(30));
            if (file.Path is null) return ApiResults.Error(404, file.Error ?? "no source");
            // Content-Length is the range actually served; a transfer cut short is not counted.
            http.Response.OnCompleted(() =>
            {
                if (!http.RequestAborted.IsCancellationRequested && http.Response.StatusCode is 200 or 206) seed.Metrics.SourceBytesSent(http.Response.ContentLength ?? 0);
                return Task.CompletedTask;
            });
            return Results.File(file.Path, "application/octet-stream", enableRangeProcessing: true);
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
