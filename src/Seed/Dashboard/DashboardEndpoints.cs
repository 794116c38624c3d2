using System.Reflection;
using Flock.Actors;
using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Flock.Seed.Api;
using Flock.Seed.Cluster;
using Flock.Seed.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Flock.Seed.Dashboard;

/// <summary>
/// The web dashboard: three static files embedded in this assembly (no build step, nothing on disk to install) and
/// the read-only overview they poll. Anything that changes state still goes through the token-guarded job API.
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

        app.MapGet("/api/overview", async () =>
        {
            var cluster = await seed.Cluster.Ask<ClusterResponse>(new FetchCluster(), TimeSpan.FromSeconds(30));
            var jobs = await seed.Jobs.Ask<JobListResponse>(new FetchJobs(), TimeSpan.FromSeconds(30));
            var fps = cluster.Nodes.ToDictionary(n => n.Name, n => Math.Round(seed.Metrics.FramesPerSecond(n.Name), 1), StringComparer.Ordinal);
            return ApiResults.Ok(new OverviewResponse(seed.Options.AdminToken.Length > 0, cluster.Nodes, fps, jobs.Jobs));
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

/// <summary>What the dashboard polls: open to read, like /metrics; whether a token is needed to change anything.</summary>
/// <param name="NodeFramesPerSecond">What each node encodes now, summed over its chunks (as flock_node_fps).</param>
public sealed record OverviewResponse(bool TokenRequired, IReadOnlyList<NodeResponse> Nodes, IReadOnlyDictionary<string, double> NodeFramesPerSecond, IReadOnlyList<JobResponse> Jobs);
