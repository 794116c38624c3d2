using Flock.Actors.Persistence;

namespace Flock.Actors.Tests.Persistence;

public sealed record TestEvent(string Text, int Number);

public sealed record TestState(string[] Items);

/// <summary>Behaviour every journal and snapshot store must share, run against each database.</summary>
public abstract class JournalContractTests
{
    /// <summary>Returns null when the backend is deliberately skipped.</summary>
    protected abstract Task<PersistenceStores?> CreateStoresAsync(EventTypeRegistry registry);

    private static EventTypeRegistry NewRegistry() =>
        new EventTypeRegistry().Register<TestEvent>("test-event").Register<TestState>("test-state");

    private static string NewId(string type = "job") => $"{type}-{Guid.NewGuid():N}";

    private static IPersistentRepresentation[] Events(string pid, long from, int count) =>
        Enumerable.Range(0, count).Select(i => (IPersistentRepresentation)new PersistentEvent(pid, from + i, new TestEvent($"e{from + i}", (int)from + i))).ToArray();

    private static async Task<List<PersistentEvent>> ReplayAll(IJournal journal, string pid, long from = 1)
    {
        var list = new List<PersistentEvent>();
        await foreach (var e in journal.ReplayAsync(pid, from))
            list.Add(e);
        return list;
    }

    [Fact]
    public async Task Journal_should_replay_written_events_in_order_from_a_sequence_number()
    {
        if (await CreateStoresAsync(NewRegistry()) is not (var journal, _))
            return;
        var pid = NewId();
        await journal.WriteAsync(pid, Events(pid, 1, 3));
        await journal.WriteAsync(pid, Events(pid, 4, 2));

        var all = await ReplayAll(journal, pid);
        Assert.Equal([1L, 2, 3, 4, 5], all.Select(e => e.SequenceNumber));
        Assert.Equal(new TestEvent("e3", 3), all[2].Payload);
        Assert.Equal("test-event", all[2].Manifest);
        Assert.True(all[4].Ordering > all[0].Ordering);
        Assert.True(all[0].Created > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal([4L, 5], (await ReplayAll(journal, pid, 4)).Select(e => e.SequenceNumber));
        Assert.Empty(await ReplayAll(journal, NewId()));
    }

    [Fact]
    public async Task Journal_should_reject_duplicate_sequence_numbers()
    {
        if (await CreateStoresAsync(NewRegistry()) is not (var journal, _))
            return;
        var pid = NewId();
        await journal.WriteAsync(pid, Events(pid, 1, 2));
        // A batch overlapping existing events fails as a whole: seq 3 must not sneak in.
        await Assert.ThrowsAsync<JournalConcurrencyException>(() => journal.WriteAsync(pid, Events(pid, 2, 2)));
        Assert.Equal([1L, 2], (await ReplayAll(journal, pid)).Select(e => e.SequenceNumber));
        Assert.Equal(2, await journal.HighestSequenceNrAsync(pid));
    }

    [Fact]
    public async Task Journal_should_keep_the_highest_sequence_number_after_deleting_events()
    {
        if (await CreateStoresAsync(NewRegistry()) is not (var journal, _))
            return;
        var pid = NewId();
        Assert.Equal(0, await journal.HighestSequenceNrAsync(pid));
        await journal.WriteAsync(pid, Events(pid, 1, 5));
        await journal.DeleteAsync(pid, 3);
        Assert.Equal([4L, 5], (await ReplayAll(journal, pid)).Select(e => e.SequenceNumber));
        await journal.DeleteAsync(pid, 5);
        Assert.Empty(await ReplayAll(journal, pid));
        Assert.Equal(5, await journal.HighestSequenceNrAsync(pid));
    }

    [Fact]
    public async Task Journal_should_list_persistence_ids_by_prefix()
    {
        if (await CreateStoresAsync(NewRegistry()) is not (var journal, _))
            return;
        var marker = Guid.NewGuid().ToString("N")[..8];
        string[] jobs = [$"job{marker}-1", $"job{marker}-2"];
        foreach (var pid in jobs.Append($"chunk{marker}-1-1"))
            await journal.WriteAsync(pid, Events(pid, 1, 2));
        Assert.Equal(jobs, await journal.PersistenceIdsAsync($"job{marker}-"));
        Assert.Empty(await journal.PersistenceIdsAsync($"nothing{marker}-"));
    }

    [Fact]
    public async Task Replay_should_fail_clearly_on_an_unknown_manifest()
    {
        if (await CreateStoresAsync(NewRegistry()) is not (var journal, _))
            return;
        var pid = NewId();
        await journal.WriteAsync(pid, Events(pid, 1, 1));
        var (otherJournal, _) = (await CreateStoresAsync(new EventTypeRegistry()))!;
        var ex = await Assert.ThrowsAsync<UnknownManifestException>(() => ReplayAll(otherJournal, pid));
        Assert.Contains("test-event", ex.Message);
        Assert.Contains(pid, ex.Message);
    }

    [Fact]
    public async Task Writing_an_unregistered_type_should_fail_before_touching_the_database()
    {
        if (await CreateStoresAsync(NewRegistry()) is not (var journal, _))
            return;
        var pid = NewId();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            journal.WriteAsync(pid, [new PersistentEvent(pid, 1, new Uri("http://x"))]));
        Assert.Equal(0, await journal.HighestSequenceNrAsync(pid));
    }

    [Fact]
    public async Task Concurrent_writers_should_all_be_stored_and_duplicates_rejected()
    {
        if (await CreateStoresAsync(NewRegistry()) is not (var journal, _))
            return;
        var pids = Enumerable.Range(0, 20).Select(_ => NewId("chunk")).ToArray();
        await Task.WhenAll(pids.Select(async pid =>
        {
            for (var seq = 1; seq <= 25; seq++)
                await journal.WriteAsync(pid, Events(pid, seq, 1));
        }));
        foreach (var pid in pids)
            Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), (await ReplayAll(journal, pid)).Select(e => e.SequenceNumber));

        // Two writers racing for the same sequence numbers: exactly one wins each.
        var contested = NewId();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                await journal.WriteAsync(contested, Events(contested, 1, 1));
                return true;
            }
            catch (JournalConcurrencyException)
            {
                return false;
            }
        }));
        Assert.Equal(1, attempts.Count(won => won));
    }

    [Fact]
    public async Task Snapshot_store_should_return_the_latest_snapshot()
    {
        if (await CreateStoresAsync(NewRegistry()) is not (_, var snapshots))
            return;
        var pid = NewId();
        Assert.Null(await snapshots.LoadLatestAsync(pid));
        await snapshots.SaveAsync(pid, 10, new TestState(["a"]));
        await snapshots.SaveAsync(pid, 20, new TestState(["a", "b"]));
        await snapshots.SaveAsync(pid, 20, new TestState(["a", "b", "c"])); // same point again overwrites
        var latest = await snapshots.LoadLatestAsync(pid);
        Assert.NotNull(latest);
        Assert.Equal(20, latest.Value.SequenceNr);
        Assert.Equal(["a", "b", "c"], ((TestState)latest.Value.State).Items);
    }
}

public sealed class SqliteJournalContractTests : JournalContractTests, IDisposable
{
    private readonly TempSqliteDatabase _database = new();

    protected override Task<PersistenceStores?> CreateStoresAsync(EventTypeRegistry registry) =>
        Task.FromResult<PersistenceStores?>(JournalFactory.Create("sqlite", _database.ConnectionString, registry));

    public void Dispose() => _database.Dispose();

    [Fact]
    public void JournalFactory_should_reject_unknown_providers()
    {
        Assert.Throws<ArgumentException>(() => JournalFactory.Create("oracle", "x"));
    }
}
