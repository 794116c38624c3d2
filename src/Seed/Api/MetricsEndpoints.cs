using Akka.Actor;
using Flock.Media.Storage;
using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Flock.Seed.Cluster;
using Flock.Seed.Jobs;
using Flock.Seed.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Flock.Seed.Api;

/// <summary>
/// GET /metrics for Prometheus. Open without a token, like the dashboard's read-only view: it says how busy the
/// cluster is, never what it encodes.
/// </summary>
internal static class MetricsEndpoints
{
    public static void Map(IEndpointRouteBuilder app, SeedRuntime seed) =>
        app.MapGet("/metrics", async () =>
        {
            var jobs = await seed.Jobs.Ask<JobListResponse>(new FetchJobs(), TimeSpan.FromSeconds(30));
            var cluster = await seed.Cluster.Ask<ClusterResponse>(new FetchCluster(), TimeSpan.FromSeconds(30));
            return Results.Text(MetricsReport.Render(jobs, cluster, seed.Metrics, DiskSpace.FreeBytes(seed.DataDir)), PrometheusWriter.ContentType);
        });
}
