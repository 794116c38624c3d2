using System.Data.Common;
using System.Text;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Persistence;
using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Flock.Seed.Jobs;
using Flock.Seed.Options;
using Flock.Seed.Storage;
using Flock.Tests.Support;
using Flock.Tests.Unit.Chunks;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Flock.Tests.Integration.Persistence;

/// <summary>
/// The seed's persistence as it runs: Flock's persistent actors over Akka.Persistence.Sql, configured by the seed's own
/// AkkaConfiguration, on each database it supports. A seed restart is an ActorSystem stopped and a new one started on
/// the same database.
/// </summary>
public abstract class SeedPersistenceTests : IDisposable
{
    /// <summary>A first write also creates the tables and warms the journal; on a loaded CI machine that has taken over 10 s.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected ScratchDirectory Scratch { get; } = ScratchDirectory.Create("flock-persistence");

    /// <summary>The journal settings under test.</summary>
    protected abstract JournalOptions Journal { get; }

    protected abstract DbConnection OpenDatabase();

    public void Dispose() => Scratch.Dispose();

    private Task<FlockTestSystem> StartAsync() => FlockTestSystem.StartAsync(Journal, Scratch.Path);

    private static string NewJob() => $"{Random.Shared.NextInt64(1_000_000_000)}";

    [Fact]
    public async Task Tables_journal_snapshot_and_tags_should_be_created_on_first_start()
    {
        // No persistent actor runs here: the journal and the snapshot store start, and create their tables, with the system.
        await using var seed = await StartAsync();
        await WaitForAsync(async () =>
        {
            await using var db = OpenDatabase();
            foreach (var table in new[] { "journal", "snapshot", "tags" })
            {
                try { await ScalarAsync(db, $"SELECT COUNT(*) FROM {table} WHERE 1 = 0"); }
                catch (DbException) { return false; }
            }
            return true;
        });
    }

    [Fact]
    public async Task Chunk_actor_should_recover_its_state_after_the_seed_restarts()
    {
        var job = NewJob();
        ChunkState live;
        await using (var seed = await StartAsync())
        {
            var (chunk, changes) = StartChunk(seed, job);
            await changes.ReadAsync(); // recovered (empty)
            var claimed = Assert.IsType<ChunkClaimed>(await chunk.Ask<object>(new AssignChunkTo("node-a", At), Patience));
            chunk.Tell(new StartEncoding("node-a", claimed.Assignment.Attempt));
            chunk.Tell(new FailAttempt("node-a", claimed.Assignment.Attempt, "ffmpeg died"));
            Assert.IsType<ChunkClaimed>(await chunk.Ask<object>(new AssignChunkTo("node-b", At.AddSeconds(5)), Patience));
            live = await LastAsync(changes, s => s.Status == ChunkStates.Assigned && s.Node == "node-b");
        }

        await using (var seed = await StartAsync())
        {
            var (_, changes) = StartChunk(seed, job);
            var recovered = await changes.ReadAsync().AsTask().WaitAsync(Patience);
            Assert.Equal(Describe(live), Describe(recovered));
            Assert.Equal(2, recovered.Attempts);
            // The failed attempt is kept with the time the chunk actor journalled its end.
            Assert.Equal([AttemptOutcomes.Failed, AttemptOutcomes.Assigned], recovered.History.Select(h => h.Outcome));
            Assert.Equal("ffmpeg died", recovered.History[0].Error);
            Assert.NotNull(recovered.History[0].Ended);
        }
    }

    [Fact]
    public async Task Chunk_actor_should_recover_from_its_snapshot_and_the_events_after_it()
    {
        var job = NewJob();
        ChunkState live = ChunkState.Initial(0);
        const int Rounds = 30; // an assignment and a release each: 60 events, a snapshot at 50
        await using (var seed = await StartAsync())
        {
            var (chunk, changes) = StartChunk(seed, job);
            await changes.ReadAsync();
            for (var i = 0; i < Rounds; i++)
            {
                Assert.IsType<ChunkClaimed>(await chunk.Ask<object>(new AssignChunkTo($"node-{i % 3}", At.AddSeconds(i)), Patience));
                chunk.Tell(new ReleaseFromNode($"node-{i % 3}", "unreachable"));
            }
            live = await LastAsync(changes, s => s.Attempts == Rounds && s.Status == ChunkStates.Pending);
            await WaitForAsync(async () => await SnapshotsAsync($"chunk-{job}-0") > 0);
        }
        await using (var db = OpenDatabase())
        {
            Assert.Equal(ChunkActor.SnapshotEvery, Convert.ToInt64(await ScalarAsync(db, $"SELECT MAX(sequence_number) FROM snapshot WHERE persistence_id = 'chunk-{job}-0'")));
            Assert.Equal("chunk-state", await ScalarAsync(db, $"SELECT manifest FROM snapshot WHERE persistence_id = 'chunk-{job}-0'"));
        }

        await using (var seed = await StartAsync())
        {
            var (_, changes) = StartChunk(seed, job);
            var recovered = await changes.ReadAsync().AsTask().WaitAsync(Patience);
            Assert.Equal(Describe(live), Describe(recovered));
        }
    }

    [Fact]
    public async Task Events_should_be_stored_as_json_under_stable_manifests_never_under_clr_type_names()
    {
        var job = NewJob();
        await using (var seed = await StartAsync())
        {
            var ledger = seed.System.ActorOf(Props.Create(() => new JobLedger($"job-{job}")));
            var spec = new JobSpec(job, "/in.mp4", "in.mp4", "/out.mp4", ["-c:v", "libx264"], 10, 0);
            Assert.Equal("ok", await ledger.Ask<string>(new JobSubmitted(spec, At), Patience));
            Assert.Equal("ok", await ledger.Ask<string>(new JobPlanned(3, 75, "libx264"), Patience));
        }

        await using var db = OpenDatabase();
        await using var command = db.CreateCommand();
        command.CommandText = $"SELECT sequence_number, manifest, message FROM journal WHERE persistence_id = 'job-{job}' ORDER BY sequence_number";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string Manifest, string Json)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(1), Encoding.UTF8.GetString((byte[])reader.GetValue(2))));
        Assert.Equal(["job-submitted", "job-planned"], rows.Select(r => r.Manifest));
        Assert.All(rows, r => Assert.StartsWith("{", r.Json, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.DoesNotContain("$type", r.Json, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.DoesNotContain("Flock.Seed", r.Json, StringComparison.Ordinal));
        Assert.Contains("\"VideoEncoder\":\"libx264\"", rows[1].Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_type_without_a_manifest_should_be_refused_not_stored_under_its_type_name()
    {
        var id = $"job-{NewJob()}";
        await using (var seed = await StartAsync())
        {
            var ledger = seed.System.ActorOf(Props.Create(() => new JobLedger(id)));
            Assert.Equal("rejected", await ledger.Ask<string>(new UnregisteredEvent("x"), Patience));
        }
        await using var db = OpenDatabase();
        Assert.Equal(0L, Convert.ToInt64(await ScalarAsync(db, $"SELECT COUNT(*) FROM journal WHERE persistence_id = '{id}'")));
    }

    [Fact]
    public async Task Persistent_actor_restarted_after_a_failure_should_recover_what_it_had_persisted()
    {
        var id = $"job-{NewJob()}";
        await using var seed = await StartAsync();
        var ledger = seed.System.ActorOf(Props.Create(() => new JobLedger(id)));
        var spec = new JobSpec("1", "/in.mp4", "in.mp4", "/out.mp4", [], 10, 0);
        Assert.Equal("ok", await ledger.Ask<string>(new JobSubmitted(spec, At), Patience));
        Assert.Equal("ok", await ledger.Ask<string>(new JobPriorityChanged(7, At), Patience));
        ledger.Tell("fail"); // the user guardian restarts it: the new instance replays the journal
        Assert.Equal("queued, priority 7, 2 event(s) replayed", await ledger.Ask<string>("read", Patience));
    }

    [Fact]
    public async Task Queue_should_recover_every_job_it_accepted_from_its_snapshot_and_the_events_after_it()
    {
        // Past one snapshot; every job fails its planning (no such input) and the older ones are compacted meanwhile.
        const int Jobs = JobsActor.SnapshotEvery + 5;
        var jobsDirectory = Scratch.File("jobs");
        var ids = new List<string>();
        await using (var seed = await StartAsync())
        {
            var queue = StartQueue(seed, jobsDirectory);
            for (var i = 0; i < Jobs; i++)
                ids.Add((await queue.Ask<SubmitJobResponse>(new SubmitJob("/nonexistent/in.mp4", "in.mp4", null, "out.mp4", ["-c:v", "libx264"], 2, 0, false), Patience)).Id);
            await WaitForAsync(async () => await SnapshotsAsync("jobs") > 0);
            // 105 plannings at once, each failing on its probe: longer than a single wait allows.
            await WaitForAsync(async () => (await queue.Ask<JobListResponse>(new FetchJobs(Which: JobSelection.Unfinished), Patience)).Jobs.Count == 0, TimeSpan.FromSeconds(90));
        }
        await using (var db = OpenDatabase())
        {
            // The events the snapshot covers are gone (but the one Akka.Persistence.Sql keeps, marked deleted).
            Assert.Equal(5L, Convert.ToInt64(await ScalarAsync(db, "SELECT COUNT(*) FROM journal WHERE persistence_id = 'jobs' AND NOT deleted")));
            Assert.Equal("accepted-jobs", await ScalarAsync(db, "SELECT manifest FROM snapshot WHERE persistence_id = 'jobs'"));
        }

        await using (var seed = await StartAsync())
        {
            var queue = StartQueue(seed, jobsDirectory);
            var listed = await queue.Ask<JobListResponse>(new FetchJobs(), Patience);
            Assert.Equal(ids.OrderBy(long.Parse), listed.Jobs.Select(j => j.Id).OrderBy(long.Parse));
            Assert.All(listed.Jobs, j => Assert.Equal(JobStates.Failed, j.State));
        }
    }

    private static IActorRef StartQueue(FlockTestSystem seed, string jobsDirectory) =>
        seed.System.ActorOf(JobsActor.Props(jobsDirectory, TimeSpan.FromSeconds(10), new Flock.Media.Planning.ChunkSizing(2, 0, 1, false), new SpeculationOptions { Enabled = false }, 0,
            TimeProvider.System, new Flock.Seed.Metrics.SeedMetrics(), Flock.Media.Verification.VerifyLevel.FirstFrames, new RetentionOptions(), NullLoggerFactory.Instance), "jobs");

    private static (IActorRef Chunk, ChannelReader<ChunkState> Changes) StartChunk(FlockTestSystem seed, string job)
    {
        var changes = Channel.CreateUnbounded<ChunkState>();
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"flock-chunks-{job}")).FullName;
        var parent = seed.System.ActorOf(Props.Create(() => new ChunkParent(
            ChunkActor.Props(job, 0, ChunkActorAssignmentTests.Plan(), dir, TimeProvider.System,
                new ChunkChecks(Path.Combine(dir, "source.mp4"), Flock.Media.Verification.VerifyLevel.FirstFrames, System.Collections.Immutable.ImmutableSortedSet<long>.Empty), NullLoggerFactory.Instance), changes.Writer)));
        return (parent, changes.Reader);
    }

    /// <summary>The chunk's state once it satisfies <paramref name="done"/> (and nothing changed within 200 ms after).</summary>
    private static async Task<ChunkState> LastAsync(ChannelReader<ChunkState> changes, Func<ChunkState, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        ChunkState? last = null;
        while (last is null || !done(last)) last = await changes.ReadAsync(timeout.Token);
        await Task.Delay(200);
        while (changes.TryRead(out var later)) last = later;
        return last;
    }

    private static string Describe(ChunkState s) => System.Text.Json.JsonSerializer.Serialize(s);

    private async Task<long> SnapshotsAsync(string persistenceId)
    {
        await using var db = OpenDatabase();
        return Convert.ToInt64(await ScalarAsync(db, $"SELECT COUNT(*) FROM snapshot WHERE persistence_id = '{persistenceId}'"));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan? patience = null)
    {
        var until = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out");
            await Task.Delay(100);
        }
    }

    private static async Task<object?> ScalarAsync(DbConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private sealed record UnregisteredEvent(string Text) : JobEvent;

    /// <summary>Stands in for the job actor as the chunk's parent: keeps every state the chunk announces.</summary>
    private sealed class ChunkParent : ReceiveActor
    {
        public ChunkParent(Props chunk, ChannelWriter<ChunkState> changes)
        {
            var child = Context.ActorOf(chunk, "chunk-0");
            Receive<ChunkChanged>(c => changes.TryWrite(c.State));
            ReceiveAny(m => child.Forward(m));
        }
    }

    /// <summary>What JobActor journals, answering "ok" once an event is stored and applied.</summary>
    private sealed class JobLedger(string id) : UntypedPersistentActor
    {
        private JobState? _state;
        private int _replayed;

        public override string PersistenceId => id;

        protected override void OnRecover(object message)
        {
            if (message is not JobEvent e) return;
            _state = e is JobSubmitted s ? JobState.Start(s) : _state!.Apply(e);
            _replayed++;
        }

        protected override void OnCommand(object message)
        {
            switch (message)
            {
                case UnregisteredEvent u:
                    Persist(u, _ => Sender.Tell("stored"));
                    break;
                case JobEvent e:
                    Persist(e, ev => { _state = ev is JobSubmitted s ? JobState.Start(s) : _state!.Apply(ev); Sender.Tell("ok"); });
                    break;
                case "read":
                    Sender.Tell($"{_state?.Stage}, priority {_state?.Spec.Priority}, {_replayed} event(s) replayed");
                    break;
                case "fail":
                    throw new InvalidOperationException("failing on purpose");
            }
        }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        {
            base.OnPersistRejected(cause, @event, sequenceNr);
            Sender.Tell("rejected");
        }
    }
}
