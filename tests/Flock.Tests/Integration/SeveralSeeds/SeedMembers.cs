using System.Diagnostics;
using System.Text.Json;
using Flock.Tests.Integration.Faults;
using Flock.Tests.Integration.Persistence;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.SeveralSeeds;

/// <summary>
/// Seed members of one cluster as `flock seed` processes: the first forms it, each further one is started with
/// `--peer` naming the first. One <see cref="TestCluster"/> per member (its own web port and scratch dir), all with
/// the same key, admin token, PostgreSQL journal and shared dir, and the fault rig's short failure detection.
/// </summary>
public sealed class SeedMembers : IAsyncDisposable
{
    private SeedMembers(IReadOnlyList<TestCluster> members, string sharedDir)
    {
        Members = members;
        SharedDir = sharedDir;
    }

    public IReadOnlyList<TestCluster> Members { get; }

    public string SharedDir { get; }

    private Func<Task<FlockProcess>>? _restartFirst;

    /// <summary>
    /// Starts the first member again as its service would: same configuration, no peers. The shared dir's record of
    /// the running members is what keeps it from forming a second cluster.
    /// </summary>
    public Task<FlockProcess> RestartFirstAsync() => _restartFirst!();

    /// <summary>Processes whose logs a failure shows besides the members' (the nodes).</summary>
    public List<FlockProcess> Others { get; } = [];

    /// <param name="firstIsolated">
    /// A network of its own for the first member (the coordinator), to cut it off from everything: the others then
    /// listen, and announce their cluster members, at the network's host end, which it can reach.
    /// </param>
    /// <param name="seedConfig">Each member's configuration: the fault rig's short failure detection unless given.</param>
    /// <param name="atOnce">Every member started at the same moment, none given peers, as services on several machines may be.</param>
    public static async Task<SeedMembers> StartAsync(PostgresServerFixture postgres, int count, IsolatedNetwork? firstIsolated = null, string seedConfig = FaultRig.SeedConfig,
        bool atOnce = false)
    {
        if (!postgres.Installed) throw new Xunit.Sdk.XunitException("PostgreSQL 15 not installed: apt-get install postgresql");
        if (postgres.StartFailure is { } failure) throw new Xunit.Sdk.XunitException("Could not start the throwaway PostgreSQL server: " + failure.Message);
        // A database of its own: the members recover every job the journal holds, and the fixture's server is shared
        // by the tests of a class.
        var database = "flock_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new Npgsql.NpgsqlConnection(postgres.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = database }.ConnectionString;
        var members = Enumerable.Range(0, count).Select(_ => new TestCluster()).ToList();
        var shared = members[0].Scratch.File("shared");
        var token = members[0].AdminToken;
        var env = new Dictionary<string, string>
        {
            ["FLOCK_SEED_SHARED_DIR"] = shared,
            ["FLOCK_JOURNAL_PROVIDER"] = "postgresql",
            ["FLOCK_SEED_POSTGRES"] = connection,
        };
        var set = new SeedMembers(members, shared);
        try
        {
            var (firstConfig, othersConfig) = (seedConfig, seedConfig);
            set._restartFirst = () => members[0].StartSeedAsync(adminToken: token, env: env, config: firstConfig, network: firstIsolated);
            if (firstIsolated is not null)
            {
                members[0].Host = firstIsolated.Address;
                firstConfig += $"\nflock.seed.remote-host = \"{firstIsolated.Address}\"\n";
                othersConfig += $"\nflock.seed.remote-host = \"{firstIsolated.HostAddress}\"\n";
                // The web address each member records in the shared dir is where the others forward to: one that both
                // sides of the link reach.
                foreach (var member in members.Skip(1)) member.Host = firstIsolated.HostAddress;
            }
            if (atOnce)
            {
                await Task.WhenAll(members.Select(m => m.StartSeedAsync(adminToken: token, env: env, config: seedConfig)));
                return set;
            }
            await members[0].StartSeedAsync(adminToken: token, env: env, config: firstConfig, network: firstIsolated);
            foreach (var member in members.Skip(1))
            {
                await member.StartSeedAsync(["--peer", $"{members[0].Host}:{members[0].Port}"], adminToken: token, env: env, config: othersConfig);
                // One at a time, as an operator would: each joins the cluster the others formed.
                await set.UntilAsync(async () => await SeedMembersUpAsync(members[0]) == members.IndexOf(member) + 1, $"seed member {members.IndexOf(member) + 1} up");
            }
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }
        return set;
    }

    /// <summary>The `seed` members up in the cluster, as the member's `GET /api/cluster` lists them.</summary>
    public static async Task<int> SeedMembersUpAsync(TestCluster member)
    {
        try
        {
            using var reply = await member.Http.GetAsync("api/cluster");
            if (!reply.IsSuccessStatusCode) return 0;
            var cluster = JsonDocument.Parse(await reply.Content.ReadAsStringAsync()).RootElement;
            return cluster.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "up"
                && m.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "seed"));
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Polls the job at <paramref name="member"/>, riding out the seconds in which no member coordinates (a 503, or a
    /// refused connection while the coordinator's loss is detected).
    /// </summary>
    public async Task<JsonElement> WaitForJobAsync(TestCluster member, string id, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null)
    {
        var (job, _) = await WaitForAsync(member, id, Stopwatch.StartNew(), condition, what, timeout);
        return job;
    }

    /// <returns>the job, and the time from <paramref name="since"/> to the condition first holding.</returns>
    public async Task<(JsonElement Job, TimeSpan Elapsed)> WaitForAsync(TestCluster member, string id, Stopwatch since, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        var last = "";
        while (true)
        {
            try
            {
                // A member forwarding to a coordinator that went silent holds the request for a while; the next poll
                // goes on without it, so the time measured is the takeover's, not one hung request's.
                using var poll = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                using var reply = await member.Http.GetAsync($"api/jobs/{id}", poll.Token);
                last = await reply.Content.ReadAsStringAsync();
                if (reply.IsSuccessStatusCode)
                {
                    var job = JsonDocument.Parse(last).RootElement.Clone();
                    if (condition(job)) return (job, since.Elapsed);
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                last = e.Message;
            }
            if (DateTime.UtcNow > until) Assert.Fail($"timed out waiting for {what}: {last}{Logs()}");
            await Task.Delay(200);
        }
    }

    public async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"timed out waiting for {what}{Logs()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Every member's log and the given processes', for a failure message.</summary>
    public string Logs(params FlockProcess[] others) =>
        string.Concat(Members.Select((m, i) => $"\nseed member {i}:\n{m.Seed?.Output}")) + string.Concat(Others.Concat(others).Distinct().Select((p, i) => $"\nprocess {i}:\n{p.Output}"));

    public ValueTask DisposeAsync()
    {
        foreach (var member in Members) member.Dispose();
        return ValueTask.CompletedTask;
    }
}
