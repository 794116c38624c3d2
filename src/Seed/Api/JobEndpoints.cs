using System.Text.Json;
using Akka.Actor;
using Flock.Media.Processes;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Flock.Seed.Cluster;
using Flock.Seed.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Flock.Seed.Api;

/// <summary>The job API pbm and scripts use: submit (by path or upload), list, show, cancel, fetch the output, cluster view.</summary>
internal static class JobEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    public static void Map(IEndpointRouteBuilder app, SeedRuntime seed)
    {
        MapLive(app, seed);
        var api = app.MapGroup("/api").AddEndpointFilter(async (ctx, next) =>
            await Authorization.CheckApiAsync(ctx.HttpContext, seed) ?? await next(ctx));

        api.MapPost("/jobs", async (HttpContext http, CancellationToken ct) =>
        {
            SubmitJobRequest? request;
            try { request = await JsonSerializer.DeserializeAsync<SubmitJobRequest>(http.Request.Body, WireJson.Options, ct); }
            catch (JsonException e) { return ApiResults.Error(400, $"malformed request: {e.Message}"); }
            if (request is null || string.IsNullOrEmpty(request.InputPath)) return ApiResults.Error(400, "empty request");
            var (input, inputError) = seed.MediaRoots.Input(request.InputPath);
            if (input is null) return ApiResults.Error(403, inputError!);
            string? output = null;
            if (request.OutputPath is not null)
            {
                (output, var outputError) = seed.MediaRoots.Output(request.OutputPath);
                if (output is null) return ApiResults.Error(403, outputError!);
                // Both are real paths here (every link followed): the finished output would replace the source.
                if (string.Equals(output, input, StringComparison.Ordinal)) return ApiResults.Error(400, $"output {request.OutputPath} is the input: it would replace the source");
            }
            return await SubmitAsync(seed, new SubmitJob(input, Path.GetFileName(request.InputPath), output,
                request.OutputPath ?? request.InputPath, request.Options ?? [], request.ChunkSeconds, request.Priority, InputIsOwned: false, request.OutputPath ?? "",
                request.Live || seed.Options.Live, request.KeepLive), ct);
        });

        api.MapPost("/jobs/upload", async (HttpContext http, string name, string? output, double? chunkSeconds, int? priority, bool? live, bool? keepLive, CancellationToken ct) =>
        {
            if (http.Request.ContentLength > seed.Options.MaxUploadSize)
                return ApiResults.Error(413, $"the input is larger than flock.seed.max-upload-size ({seed.Options.MaxUploadSize} bytes)");
            var safeName = Path.GetFileName(name);
            if (string.IsNullOrWhiteSpace(safeName)) return ApiResults.Error(400, "name is required");
            string[] options;
            try { options = http.Request.Headers[Protocol.OptionsHeader] is { Count: > 0 } h ? JsonSerializer.Deserialize<string[]>(h.ToString(), WireJson.Options) ?? [] : []; }
            catch (JsonException) { return ApiResults.Error(400, $"{Protocol.OptionsHeader} must be a JSON array of strings"); }
            Directory.CreateDirectory(seed.UploadsDirectory);
            var temp = Path.Combine(seed.UploadsDirectory, $"{Guid.NewGuid():N}{Path.GetExtension(safeName)}");
            try
            {
                await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
                    await http.Request.Body.CopyToAsync(file, 1 << 20, ct);
                // `output` is the OUT as the user typed it on their machine: shown in listings, its extension picks the container.
                var result = await SubmitAsync(seed, new SubmitJob(temp, safeName, null, Path.GetFileName(string.IsNullOrEmpty(output) ? safeName : output), options,
                    chunkSeconds ?? seed.Options.DefaultChunkSeconds, priority ?? 0, InputIsOwned: true, output ?? "", live == true || seed.Options.Live, keepLive == true), ct);
                return result;
            }
            catch (IOException e)
            {
                return ApiResults.Error(507, $"cannot store the upload: {e.Message}");
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp); // only still there when the submit was refused
            }
        });

        // Without `limit`: every job in queue order, as before. With it: one page, newest first; `older` in the answer is the next `before`.
        api.MapGet("/jobs", async (int? limit, long? before) =>
            limit is <= 0 ? ApiResults.Error(400, "limit must be positive")
            : ApiResults.Ok(await seed.Jobs.Ask<JobListResponse>(new FetchJobs(limit, before), AskTimeout)));

        api.MapGet("/jobs/events", async (long? after) =>
            ApiResults.Ok(await seed.Jobs.Ask<JobEventsResponse>(new FetchJobEvents(after ?? 0), AskTimeout)));

        api.MapGet("/jobs/{id}", async (string id) =>
            !IsJobId(id) ? ApiResults.Error(400, "bad job id") : await AskJobAsync(seed, new FetchJob(id), id));

        api.MapPost("/jobs/{id}/cancel", async (string id) =>
            !IsJobId(id) ? ApiResults.Error(400, "bad job id") : await AskJobAsync(seed, new CancelJob(id), id));

        api.MapPost("/jobs/{id}/retry", async (string id) =>
            !IsJobId(id) ? ApiResults.Error(400, "bad job id") : await AskJobAsync(seed, new RetryJob(id), id));

        api.MapPost("/jobs/{id}/priority", async (string id, HttpContext http, CancellationToken ct) =>
        {
            if (!IsJobId(id)) return ApiResults.Error(400, "bad job id");
            SetPriorityRequest? request;
            try { request = await JsonSerializer.DeserializeAsync<SetPriorityRequest>(http.Request.Body, WireJson.Options, ct); }
            catch (JsonException e) { return ApiResults.Error(400, $"malformed request: {e.Message}"); }
            return request is null ? ApiResults.Error(400, "empty request") : await AskJobAsync(seed, new SetJobPriority(id, request.Priority), id);
        });

        api.MapGet("/jobs/{id}/output", async (string id) =>
        {
            if (!IsJobId(id)) return ApiResults.Error(400, "bad job id");
            var file = await seed.Jobs.Ask<JobFileResponse>(new FetchJobFile(id, JobFileKind.Output), AskTimeout);
            return file.Path is null
                ? ApiResults.Error(file.Error!.StartsWith("no job", StringComparison.Ordinal) ? 404 : 409, file.Error)
                : Results.File(file.Path, "application/octet-stream", Path.GetFileName(file.Path), enableRangeProcessing: true);
        });

        api.MapGet("/cluster", async () => ApiResults.Ok(await seed.Cluster.Ask<ClusterResponse>(new FetchCluster(), AskTimeout)));

        api.MapGet("/cluster/events", async (long? after) =>
            ApiResults.Ok(await seed.Cluster.Ask<ClusterEventsResponse>(new FetchClusterEvents(after ?? 0), AskTimeout)));
        api.MapPost("/cluster/down-unreachable", async () =>
        {
            var downed = await seed.Cluster.Ask<DownUnreachableResponse>(new DownUnreachable(), AskTimeout);
            foreach (var node in downed.Nodes) seed.Authority?.Revoke(node);
            return ApiResults.Ok(downed);
        });
        api.MapPost("/cluster/nodes/{name}/leave", (string name) => AskNodeAsync(seed, new LeaveNode(name)));

        api.MapPost("/cluster/nodes/{name}/down", (string name) =>
        {
            // Whatever else happens, the certificates it enrolled with stop opening the cluster transport.
            seed.Authority?.Revoke(name);
            return AskNodeAsync(seed, new DownNode(name));
        });
    }

    /// <summary>
    /// A live job's HLS files, beside the API rather than under it: players resolve segment URIs relative to the
    /// playlist. The token may come as `?token=` (players cannot set headers); the playlist then hands it on in every URI.
    /// </summary>
    private static void MapLive(IEndpointRouteBuilder app, SeedRuntime seed)
    {
        app.MapGet("/jobs/{id}/live/{file}", async (HttpContext http, string id, string file, string? token) =>
        {
            if (token is not null && !http.Request.Headers.ContainsKey("Authorization")) http.Request.Headers.Authorization = "Bearer " + token;
            if (await Authorization.CheckApiAsync(http, seed) is { } refused) return refused;
            if (!IsJobId(id)) return ApiResults.Error(400, "bad job id");
            // Only names the publisher writes, so no path can leave the job's live folder.
            if (!Flock.Media.Live.LivePlaylist.IsServedName(file)) return ApiResults.Error(404, $"no live file {file}");
            JobResponse job;
            try { job = await seed.Jobs.Ask<JobResponse>(new FetchJob(id), AskTimeout); }
            catch (KeyNotFoundException) { return ApiResults.Error(404, $"no job {id}"); }
            if (job.LivePlaylist is null) return ApiResults.Error(404, $"job {id} is not published live (submit it with --live, or set flock.seed.live = on)");
            var path = Path.Combine(seed.JobsDirectory, id, "live", file);
            if (!File.Exists(path)) return ApiResults.Error(404, $"job {id} has no live file {file} (yet)");
            http.Response.Headers.CacheControl = "no-cache";
            if (!file.EndsWith(".m3u8", StringComparison.Ordinal))
                return Results.File(path, Path.GetExtension(file) switch { ".m4s" => "video/iso.segment", ".vtt" => "text/vtt", _ => "video/mp4" });
            string text;
            try { text = await File.ReadAllTextAsync(path, http.RequestAborted); }
            catch (FileNotFoundException) { return ApiResults.Error(404, $"job {id} has no live playlist now"); }
            if (token is not null) text = Flock.Media.Live.LivePlaylist.WithQuery(text, "?token=" + Uri.EscapeDataString(token));
            return Results.Text(text, "application/vnd.apple.mpegurl");
        });
    }

    public static bool IsJobId(string id) => id.Length is > 0 and <= 18 && id.All(char.IsAsciiDigit);

    private static async Task<IResult> SubmitAsync(SeedRuntime seed, SubmitJob submit, CancellationToken ct)
    {
        try
        {
            await SubmissionValidator.ValidateAsync(submit.InputPath, submit.OutputName, submit.Options, submit.ChunkSeconds, ct, seed.Options.MaxChunksPerJob, seed.Options.HdrStrict());
        }
        catch (MediaException e)
        {
            // Name the input as the user knows it, not by the seed's private upload path or file name.
            return ApiResults.Error(400, e.Message.Replace(submit.InputPath, submit.InputName, StringComparison.Ordinal)
                .Replace(Path.GetFileName(submit.InputPath), submit.InputName, StringComparison.Ordinal));
        }
        try
        {
            var response = await seed.Jobs.Ask<SubmitJobResponse>(submit, AskTimeout);
            return ApiResults.Ok(response, 201);
        }
        catch (IOException e)
        {
            return ApiResults.Error(507, e.Message);
        }
    }

    private static async Task<IResult> AskJobAsync(SeedRuntime seed, object query, string id)
    {
        try
        {
            return ApiResults.Ok(await seed.Jobs.Ask<JobResponse>(query, AskTimeout));
        }
        catch (KeyNotFoundException)
        {
            return ApiResults.Error(404, $"no job {id}");
        }
        catch (JobRestartingException e)
        {
            // A moment's absence, as of a seed member: pbm's waits and watches ask again.
            return ApiResults.Error(503, e.Message);
        }
        catch (InvalidOperationException e)
        {
            return ApiResults.Error(409, e.Message);
        }
    }

    private static async Task<IResult> AskNodeAsync(SeedRuntime seed, object command)
    {
        try
        {
            return ApiResults.Ok(await seed.Cluster.Ask<NodeResponse>(command, AskTimeout));
        }
        catch (KeyNotFoundException e)
        {
            return ApiResults.Error(404, e.Message);
        }
        catch (InvalidOperationException e)
        {
            return ApiResults.Error(409, e.Message);
        }
    }
}
