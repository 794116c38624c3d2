using System.Reflection;
using Akka.Actor;
using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Flock.Seed.Api;
using Flock.Seed.Cluster;
using Flock.Seed.Jobs;
using Flock.Seed.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Flock.Seed.Dashboard;

/// <summary>
/// The web dashboard: three static files embedded in this assembly (no build step, nothing on disk to install) and
/// the overview they poll (any API token). Anything that changes state still goes through the token-guarded job API.
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "dashboard/index.html", "text/html; charset=utf-8"),
        ("/dashboard/dashboard.css", "dashboard/dashboard.css", "text/css; charset=utf-8"),
        ("/dashboard/dashboard.js", "dashboard/dashboard.js", "text/javascript; charset=utf-8"),
    ];

    public static void Map(IEndpointRouteBuilder app, SeedRuntime seed)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var bytes = Load(resource);
            app.MapGet(path, (HttpContext http) =>
            {
                // Served from memory and small: always revalidate, so a seed upgrade is seen on the next load.
                http.Response.Headers.CacheControl = "no-cache";
                http.Response.Headers.XContentTypeOptions = "nosniff";
                return Results.Bytes(bytes, contentType);
            });
        }

        app.MapGet("/api/overview", async (HttpContext http) =>
        {
            // Names, paths and errors of jobs are the job API's to guard: any API token may read them, nobody else.
            if (await Authorization.CheckApiAsync(http, seed) is { } refused) return refused;
            var access = seed.Tokens.Check(Authorization.BearerOf(http)) == ApiAccess.Admin ? "admin" : "read-only";
            var cluster = await seed.Cluster.Ask<ClusterResponse>(new FetchCluster(), TimeSpan.FromSeconds(30));
            var jobs = await seed.Jobs.Ask<JobListResponse>(new FetchJobs(), TimeSpan.FromSeconds(30));
            var fps = cluster.Nodes.ToDictionary(n => n.Name, n => Math.Round(seed.Metrics.FramesPerSecond(n.Name), 1), StringComparer.Ordinal);
            return ApiResults.Ok(new OverviewResponse(access, cluster.Nodes, fps, jobs.Jobs));
        });
    }

    private static byte[] Load(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the seed was built without its dashboard file {resource}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>What the dashboard polls, for any API token; Access is "admin" or "read-only": what that token may do.</summary>
public sealed record OverviewResponse(string Access, IReadOnlyList<NodeResponse> Nodes, IReadOnlyDictionary<string, double> NodeFramesPerSecond, IReadOnlyList<JobResponse> Jobs);
