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
/// The web dashboard: its static files (hls.js vendored among them) embedded in this assembly (no build step, nothing on disk to install) and
/// the overview they poll (any API token). Anything that changes state still goes through the token-guarded job API.
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "dashboard/index.html", "text/html; charset=utf-8"),
        ("/dashboard/dashboard.css", "dashboard/dashboard.css", "text/css; charset=utf-8"),
        ("/dashboard/dashboard.js", "dashboard/dashboard.js", "text/javascript; charset=utf-8"),
        // hls.js (vendored from npm, see its header): plays a live job where the browser has no native HLS.
        ("/dashboard/hls.min.js", "dashboard/hls.min.js", "text/javascript; charset=utf-8"),
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

        app.MapGet("/api/overview", async (HttpContext http, int? limit, long? before) =>
        {
            // Names, paths and errors of jobs are the job API's to guard: any API token may read them, nobody else.
            if (await Authorization.CheckApiAsync(http, seed) is { } refused) return refused;
            var access = seed.Tokens.Check(Authorization.BearerOf(http)) == ApiAccess.Admin ? "admin" : "read-only";
            var cluster = await seed.Cluster.Ask<ClusterResponse>(new FetchCluster(), AskTimeout);
            // Every job still to finish, and one page of the settled ones: a long history costs one page per poll.
            var unfinished = await seed.Jobs.Ask<JobListResponse>(new FetchJobs(Which: JobSelection.Unfinished), AskTimeout);
            var settled = await seed.Jobs.Ask<JobListResponse>(new FetchJobs(Math.Clamp(limit ?? DefaultPage, 1, 200), before, JobSelection.Settled), AskTimeout);
            var clusterEvents = await seed.Cluster.Ask<ClusterEventsResponse>(new FetchClusterEvents(0), AskTimeout);
            var jobEvents = await seed.Jobs.Ask<JobEventsResponse>(new FetchJobEvents(0), AskTimeout);
            var fps = cluster.Nodes.ToDictionary(n => n.Name, n => Math.Round(seed.Metrics.FramesPerSecond(n.Name), 1), StringComparer.Ordinal);
            var shown = unfinished.Jobs.Select(j => j.Id).ToHashSet(StringComparer.Ordinal);
            var jobs = unfinished.Jobs.Concat(settled.Jobs.Where(j => !shown.Contains(j.Id))).ToList();
            return ApiResults.Ok(new OverviewResponse(access, cluster.Nodes, fps, jobs)
            {
                NodeChunks = DashboardFeed.NodeChunks(cluster.Nodes, unfinished.Jobs),
                SettledJobs = settled.Total ?? settled.Jobs.Count,
                OlderJobs = settled.Older,
                Events = DashboardFeed.Merge(clusterEvents.Events, jobEvents.Events, FeedLength),
            });
        });
    }

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Settled jobs shown per page unless the page asks for another number.</summary>
    private const int DefaultPage = 10;

    /// <summary>The latest events the feed shows.</summary>
    private const int FeedLength = 60;

    private static byte[] Load(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the seed was built without its dashboard file {resource}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>
/// What the dashboard polls, for any API token; Access is "admin" or "read-only": what that token may do. Jobs are every
/// unfinished job and one page of the settled ones, newest first (`?limit=&amp;before=`).
/// </summary>
public sealed record OverviewResponse(string Access, IReadOnlyList<NodeResponse> Nodes, IReadOnlyDictionary<string, double> NodeFramesPerSecond, IReadOnlyList<JobResponse> Jobs)
{
    /// <summary>What each node holds, by chunk id (JOB/INDEX): encoding, reserved (handed out, not started) or verifying.</summary>
    public IReadOnlyDictionary<string, NodeChunksResponse> NodeChunks { get; init; } = new Dictionary<string, NodeChunksResponse>();

    /// <summary>How many settled jobs there are in all (the page shows some of them).</summary>
    public int SettledJobs { get; init; }

    /// <summary>The `before` for the next, older page of settled jobs; null on the last page.</summary>
    public string? OlderJobs { get; init; }

    /// <summary>The latest cluster and job events, newest first.</summary>
    public IReadOnlyList<FeedEventResponse> Events { get; init; } = [];
}

/// <summary>Chunk ids (JOB/INDEX) a node holds, by what it is doing with them.</summary>
public sealed record NodeChunksResponse(IReadOnlyList<string> Encoding, IReadOnlyList<string> Reserved, IReadOnlyList<string> Verifying);

/// <summary>
/// One line of the dashboard's event feed: <paramref name="Source"/> is cluster (a <see cref="ClusterEventResponse"/>
/// kind: joined, up, unreachable, downed, removed, quarantined...) or job (a <see cref="JobEventKinds">job event kind</see>).
/// </summary>
public sealed record FeedEventResponse(DateTimeOffset At, string Source, string Kind, string? Node, string? JobId, string Detail);
