using System.Security.Cryptography;
using Flock.Messages;
using Flock.Seed.Cluster;
using Flock.Seed.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Api;

/// <summary>
/// What nodes use: the control WebSocket, the source bytes of a job (HTTP ranges, served straight from the input
/// file: no split copy is ever written) and the upload of a chunk result (streamed to disk, checksummed on the way).
/// </summary>
internal static class NodeEndpoints
{
    public static void Map(IEndpointRouteBuilder app, SeedRuntime seed, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("flock.seed.nodes");

        app.Map("/api/nodes/connect", async (HttpContext http) =>
        {
            if (!http.WebSockets.IsWebSocketRequest) return ApiResults.Error(400, "expected a WebSocket");
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            var address = $"{http.Connection.RemoteIpAddress}:{http.Connection.RemotePort}";
            await new NodeSession(socket, address, seed.Key, seed.Cluster, seed.Options.HeartbeatInterval, log).RunAsync(http.RequestAborted);
            return Results.Empty;
        });

        app.MapGet("/api/jobs/{id}/source", async (HttpContext http, string id) =>
        {
            if (Authorization.NodeOf(http, seed.Key) is null) return ApiResults.Error(401, "node token required");
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

        app.MapPut("/api/jobs/{id}/chunks/{index:int}/result", async (HttpContext http, string id, int index, int attempt, CancellationToken ct) =>
        {
            var node = Authorization.NodeOf(http, seed.Key);
            if (node is null) return ApiResults.Error(401, "node token required");
            if (!JobEndpoints.IsJobId(id) || index < 0) return ApiResults.Error(400, "bad job or chunk id");
            var expected = http.Request.Headers[Protocol.Sha256Header].ToString().ToLowerInvariant();
            if (expected.Length != 64) return ApiResults.Error(400, $"{Protocol.Sha256Header} header required");
            var dir = Path.Combine(seed.JobsDirectory, id, "chunks");
            if (!Directory.Exists(dir)) return ApiResults.Error(404, $"no job {id}");
            var temp = Path.Combine(dir, $"upload-{Guid.NewGuid():N}.part");
            try
            {
                long bytes;
                string actual;
                using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                {
                    await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
                    var buffer = new byte[1 << 20];
                    int read;
                    while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    }
                    await file.FlushAsync(ct);
                    file.Flush(flushToDisk: true);
                    bytes = file.Length;
                    seed.Metrics.ResultBytesReceived(bytes);
                    actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                }
                if (actual != expected)
                {
                    log.LogWarning("job {JobId} chunk {ChunkIndex} from {Node}: checksum mismatch", id, index, node);
                    return ApiResults.Error(422, "checksum mismatch: the result was damaged in transit, send it again");
                }
                var answer = await seed.Jobs.Ask<ChunkResultAnswer>(new SubmitChunkResult(id, index, attempt, node, temp, actual, bytes), TimeSpan.FromMinutes(5));
                return answer.Accepted ? Results.Ok() : ApiResults.Error(409, answer.Message);
            }
            catch (IOException e)
            {
                log.LogError("job {JobId} chunk {ChunkIndex}: cannot store the result: {Error}", id, index, e.Message);
                return ApiResults.Error(507, $"seed cannot store the result: {e.Message}");
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        });
    }
}
