using Flock.Actors.Persistence;

namespace Flock.Actors.Tests.Persistence;

public sealed record Added(int Amount);

public sealed record CounterSnapshot(int Total);

/// <summary>Counts what recovery did, so tests can tell a snapshot recovery from a full replay.</summary>
public sealed class RecoveryLog
{
    public int ReplayedEvents;
    public int Snapshots;
    public int Completed;
}

public sealed class PersistentCounter(string id, int snapshotEvery, RecoveryLog log) : PersistentActor
{
    private int _total;

    public override string PersistenceId => id;

    protected override int SnapshotEvery => snapshotEvery;

    protected override void OnRecover(object @event)
    {
        if (@event is Added added)
            _total += added.Amount;
        Interlocked.Increment(ref log.ReplayedEvents);
    }

    protected override void OnRecoverSnapshot(object snapshot)
    {
        _total = ((CounterSnapshot)snapshot).Total;
        Interlocked.Increment(ref log.Snapshots);
    }

    protected override void OnRecoveryCompleted() => Interlocked.Increment(ref log.Completed);

    protected override object? GetSnapshotState() => new CounterSnapshot(_total);

    protected override async Task ReceiveAsync(object message)
    {
        switch (message)
        {
            case int amount:
                await PersistAsync(new Added(amount), e => _total += e.Amount);
                Sender.Tell(_total);
                break;
            case int[] amounts:
                await PersistAllAsync(amounts.Select(a => new Added(a)), e => _total += e.Amount);
                Sender.Tell(_total);
                break;
            case "corrupt-and-fail":
                _total = -1_000_000; // unpersisted change: a restart must discard it
                throw new InvalidOperationException("boom");
            case "get":
                Sender.Tell(new CounterReading(_total, LastSequenceNr));
                break;
        }
    }
}

public sealed record CounterReading(int Total, long SequenceNr);

/// <summary>Holds replay back until released, to observe messages that arrive during recovery.</summary>
internal sealed class GatedJournal(IJournal inner, Task gate) : IJournal
{
    public Task WriteAsync(string persistenceId, IReadOnlyList<IPersistentRepresentation> events) => inner.WriteAsync(persistenceId, events);

    public async IAsyncEnumerable<PersistentEvent> ReplayAsync(string persistenceId, long fromSequenceNr,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await gate;
        await foreach (var e in inner.ReplayAsync(persistenceId, fromSequenceNr, cancellationToken))
            yield return e;
    }

    public Task<long> HighestSequenceNrAsync(string persistenceId) => inner.HighestSequenceNrAsync(persistenceId);

    public Task<IReadOnlyList<string>> PersistenceIdsAsync(string prefix) => inner.PersistenceIdsAsync(prefix);

    public Task DeleteAsync(string persistenceId, long toSequenceNr) => inner.DeleteAsync(persistenceId, toSequenceNr);
}

public sealed class PersistentActorTests : IDisposable
{
    private readonly TempSqliteDatabase _database = new();
    private readonly EventTypeRegistry _registry = new EventTypeRegistry().Register<Added>("added").Register<CounterSnapshot>("counter-snapshot");

    public void Dispose() => _database.Dispose();

    private ActorSystem NewSystem(IJournal? journal = null)
    {
        var (defaultJournal, snapshots) = JournalFactory.Create("sqlite", _database.ConnectionString, _registry);
        return ActorSystem.Create("persistence-test", null, journal ?? defaultJournal, snapshots);
    }

    private static Props CounterProps(string id, RecoveryLog log, int snapshotEvery = 100) =>
        Props.Create(() => new PersistentCounter(id, snapshotEvery, log));

    [Fact]
    public async Task Persistent_actor_should_recover_state_from_journal_after_restart()
    {
        await using (var system = NewSystem())
        {
            var counter = system.ActorOf(CounterProps("counter-1", new RecoveryLog()), "counter-1");
            for (var i = 1; i <= 5; i++)
                await counter.Ask<int>(i);
            Assert.Equal(25, await counter.Ask<int>(new[] { 4, 6 }));
        }

        await using (var system = NewSystem())
        {
            var log = new RecoveryLog();
            var counter = system.ActorOf(CounterProps("counter-1", log), "counter-1");
            Assert.Equal(new CounterReading(25, 7), await counter.Ask<CounterReading>("get"));
            Assert.Equal(7, log.ReplayedEvents);
            Assert.Equal(1, log.Completed);
            Assert.Equal(35, await counter.Ask<int>(10)); // continues at sequence number 8 without clashing
            Assert.Equal(8, (await counter.Ask<CounterReading>("get")).SequenceNr);
            Assert.Equal(["counter-1"], await system.Journal!.PersistenceIdsAsync("counter-"));
        }
    }

    [Fact]
    public async Task Snapshot_should_shorten_recovery()
    {
        await using (var system = NewSystem())
        {
            var counter = system.ActorOf(CounterProps("counter-2", new RecoveryLog(), snapshotEvery: 10), "counter-2");
            for (var i = 1; i <= 25; i++)
                await counter.Ask<int>(1);
        }

        await using (var system = NewSystem())
        {
            var log = new RecoveryLog();
            var counter = system.ActorOf(CounterProps("counter-2", log, snapshotEvery: 10), "counter-2");
            Assert.Equal(new CounterReading(25, 25), await counter.Ask<CounterReading>("get"));
            Assert.Equal(1, log.Snapshots);
            Assert.Equal(5, log.ReplayedEvents); // only the events after the snapshot at 20
        }
    }

    [Fact]
    public async Task Failing_persistent_actor_should_recover_persisted_state_on_restart()
    {
        await using var system = NewSystem();
        var log = new RecoveryLog();
        var counter = system.ActorOf(CounterProps("counter-3", log), "counter-3");
        await counter.Ask<int>(5);
        counter.Tell("corrupt-and-fail");
        Assert.Equal(new CounterReading(5, 1), await counter.Ask<CounterReading>("get"));
        Assert.Equal(2, log.Completed);
    }

    [Fact]
    public async Task Messages_arriving_during_recovery_should_wait_for_it()
    {
        await using (var system = NewSystem())
        {
            var counter = system.ActorOf(CounterProps("counter-4", new RecoveryLog()), "counter-4");
            await counter.Ask<int>(3);
        }

        var gate = new TaskCompletionSource();
        var (journal, _) = JournalFactory.Create("sqlite", _database.ConnectionString, _registry);
        await using (var system = NewSystem(new GatedJournal(journal, gate.Task)))
        {
            var counter = system.ActorOf(CounterProps("counter-4", new RecoveryLog()), "counter-4");
            var reading = counter.Ask<CounterReading>("get");
            var added = counter.Ask<int>(4);
            await Task.Delay(100);
            Assert.False(reading.IsCompleted);
            gate.SetResult();
            Assert.Equal(new CounterReading(3, 1), await reading);
            Assert.Equal(7, await added);
        }
    }

    [Fact]
    public async Task Persistent_actor_without_a_journal_should_fail_to_start_and_be_stopped()
    {
        await using var system = ActorSystem.Create("no-journal");
        var counter = system.ActorOf(CounterProps("counter-5", new RecoveryLog()), "counter-5");
        await counter.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
