using System.Text.Json;
using Akka.Actor;
using Akka.Persistence;
using Flock.Seed.Chunks;
using Flock.Seed.Jobs;
using Flock.Tests.Support;
using Flock.Tests.Unit.Chunks;
using Flock.Tests.Unit.Jobs;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// Recovery is a pure replay, shown through the real machinery: persistent actors driven with random commands over
/// the seed's Akka.Persistence.Sql journal and snapshot store on SQLite (with the seed's own serializer and manifests),
/// the actor system stopped, a new one recovered from the same file — its state must equal what the live actor had,
/// snapshots or not.
/// </summary>
public sealed class JournalRecoveryPropertyTests
{
    [Fact]
    public async Task Recovered_chunk_and_job_actors_should_equal_the_live_ones_for_random_command_sequences()
    {
        using var scratch = ScratchDirectory.Create("flock-journal-property");
        var live = new Dictionary<string, string>();
        var snapshotsUsed = 0;
        const int Iterations = 40;

        await using (var host = await FlockTestSystem.StartSqliteAsync(scratch.Path))
        {
            var system = host.System;
            for (var seed = 0; seed < Iterations; seed++)
            {
                var random = new Random(seed);
                // Every few events a snapshot, so recovery mixes snapshot loading and replay.
                var every = random.Next(3, 12);
                var chunk = system.ActorOf(Props.Create(() => new ChunkLedger($"chunk-p-{seed}", every)), $"chunk-{seed}");
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

        await using (var host = await FlockTestSystem.StartSqliteAsync(scratch.Path))
        {
            var system = host.System;
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

    private sealed record Read;

    /// <summary>What ChunkActor does with a command, minus files: Process, persist, Apply; replies with the state.</summary>
    private sealed class ChunkLedger(string id, int snapshotEvery) : UntypedPersistentActor
    {
        public static int SnapshotsLoaded;
        private ChunkState _state = ChunkState.Initial(0);

        public override string PersistenceId => id;

        protected override void OnRecover(object message)
        {
            switch (message)
            {
                case ChunkEvent e:
                    _state = _state.Apply(e);
                    break;
                case SnapshotOffer { Snapshot: ChunkState snapshot }:
                    _state = snapshot;
                    Interlocked.Increment(ref SnapshotsLoaded);
                    break;
            }
        }

        protected override void OnCommand(object message)
        {
            if (message is SaveSnapshotSuccess or SaveSnapshotFailure) return;
            var sender = Sender;
            var events = message is ChunkCommand c ? _state.Process(c) : [];
            if (events.Count == 0)
            {
                sender.Tell(_state);
                return;
            }
            PersistAll(events, e =>
            {
                _state = _state.Apply(e);
                if (LastSequenceNr % snapshotEvery == 0) SaveSnapshot(_state);
            });
            DeferAsync(_state, _ => sender.Tell(_state));
        }
    }

    /// <summary>What JobActor journals: the submission, then each accepted stage change (a handful, so no snapshots, as in JobActor).</summary>
    private sealed class JobLedger(string id) : UntypedPersistentActor
    {
        private JobState? _state;

        public override string PersistenceId => id;

        protected override void OnRecover(object message)
        {
            if (message is JobEvent e) _state = e is JobSubmitted s ? JobState.Start(s) : _state!.Apply(e);
        }

        protected override void OnCommand(object message)
        {
            if (message is JobEvent e) Persist(e, ev => { _state = ev is JobSubmitted s ? JobState.Start(s) : _state!.Apply(ev); Sender.Tell(_state!); });
            else Sender.Tell(_state!);
        }
    }
}
