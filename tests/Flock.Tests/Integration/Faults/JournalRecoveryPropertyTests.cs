using System.Text.Json;
using Flock.Actors;
using Flock.Actors.Persistence;
using Flock.Seed.Chunks;
using Flock.Seed.Jobs;
using Flock.Seed.Storage;
using Flock.Tests.Support;
using Flock.Tests.Unit.Chunks;
using Flock.Tests.Unit.Jobs;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// Recovery is a pure replay, shown through the real machinery: persistent actors driven with random commands over
/// the seed's SQLite journal and snapshot store (with the seed's own manifests), the actor system disposed, a new one
/// recovered from the same file — its state must equal what the live actor had, snapshots or not.
/// </summary>
public sealed class JournalRecoveryPropertyTests
{
    [Fact]
    public async Task Recovered_chunk_and_job_actors_should_equal_the_live_ones_for_random_command_sequences()
    {
        using var scratch = ScratchDirectory.Create("flock-journal-property");
        var connection = $"Data Source={scratch.File("journal.db")}";
        var live = new Dictionary<string, string>();
        var snapshotsUsed = 0;
        const int Iterations = 40;

        await using (var system = NewSystem(connection))
        {
            for (var seed = 0; seed < Iterations; seed++)
            {
                var random = new Random(seed);
                // Every few events a snapshot, so recovery mixes snapshot loading and replay.
                var chunk = system.ActorOf(Props.Create(() => new ChunkLedger($"chunk-p-{seed}", random.Next(3, 12))), $"chunk-{seed}");
                ChunkState state = ChunkState.Initial(0);
                var steps = random.Next(5, 80);
                for (var i = 0; i < steps; i++) state = await chunk.Ask<ChunkState>(RandomChunkCommands.Next(random, state));
                live[$"chunk-p-{seed}"] = JsonSerializer.Serialize(state);
                snapshotsUsed += steps > 12 ? 1 : 0;

                var (job, journal) = JobReplayPropertyTests.Drive(random, random.Next(0, 12));
                var jobActor = system.ActorOf(Props.Create(() => new JobLedger($"job-p-{seed}")), $"job-{seed}");
                foreach (var e in journal) await jobActor.Ask<JobState>(e);
                live[$"job-p-{seed}"] = JsonSerializer.Serialize(job);
                Assert.Equal(live[$"job-p-{seed}"], JsonSerializer.Serialize(await jobActor.Ask<JobState>(new Read())));
            }
        }

        await using (var system = NewSystem(connection))
        {
            for (var seed = 0; seed < Iterations; seed++)
            {
                var chunk = system.ActorOf(Props.Create(() => new ChunkLedger($"chunk-p-{seed}", 1000)), $"chunk-{seed}");
                Assert.Equal(live[$"chunk-p-{seed}"], JsonSerializer.Serialize(await chunk.Ask<ChunkState>(new Read())));
                var job = system.ActorOf(Props.Create(() => new JobLedger($"job-p-{seed}")), $"job-{seed}");
                Assert.Equal(live[$"job-p-{seed}"], JsonSerializer.Serialize(await job.Ask<JobState>(new Read())));
            }
            var snapshots = ChunkLedger.SnapshotsLoaded;
            Assert.True(snapshots > 0, "no recovery started from a snapshot: the property would not cover them");
        }
        Assert.True(snapshotsUsed > 0);
    }

    private static ActorSystem NewSystem(string connection)
    {
        var (journal, snapshots) = JournalFactory.Create("sqlite", connection, SeedEventTypes.Create());
        return ActorSystem.Create("journal-property", null, journal, snapshots);
    }

    private sealed record Read;

    /// <summary>What ChunkActor does with a command, minus files: Process, persist, Apply; replies with the state.</summary>
    private sealed class ChunkLedger(string id, int snapshotEvery) : PersistentActor
    {
        public static int SnapshotsLoaded;
        private ChunkState _state = ChunkState.Initial(0);

        public override string PersistenceId => id;

        protected override int SnapshotEvery => snapshotEvery;

        protected override void OnRecover(object @event) => _state = _state.Apply((ChunkEvent)@event);

        protected override void OnRecoverSnapshot(object snapshot)
        {
            _state = (ChunkState)snapshot;
            Interlocked.Increment(ref SnapshotsLoaded);
        }

        protected override object? GetSnapshotState() => _state;

        protected override async Task ReceiveAsync(object message)
        {
            if (message is ChunkCommand c) await PersistAllAsync(_state.Process(c), e => _state = _state.Apply(e));
            Sender.Tell(_state);
        }
    }

    /// <summary>What JobActor journals: the submission, then each accepted stage change (a handful, so no snapshots, as in JobActor).</summary>
    private sealed class JobLedger(string id) : PersistentActor
    {
        private JobState? _state;

        public override string PersistenceId => id;

        protected override void OnRecover(object @event) => _state = @event is JobSubmitted s ? JobState.Start(s) : _state!.Apply((JobEvent)@event);

        protected override async Task ReceiveAsync(object message)
        {
            if (message is JobEvent e) await PersistAsync(e, ev => _state = ev is JobSubmitted s ? JobState.Start(s) : _state!.Apply(ev));
            Sender.Tell(_state!);
        }
    }
}
