using Akka.Actor;
using Akka.Persistence;

namespace Flock.Seed.Jobs;

/// <summary>Told to the compacted job by <see cref="ChunkJournalDeletion"/> once every chunk's journal was asked to go.</summary>
/// <param name="Failed">Deletions the journal or snapshot store reported failed (the rows stay; nothing else is lost).</param>
public sealed record ChunkJournalsDeleted(int Chunks, int Failed);

/// <summary>
/// Deletes the events and snapshots of a compacted job's chunks. A few at a time: on SQLite the journal writes one
/// thing at a time, and running jobs' events must not queue behind thousands of deletions.
/// </summary>
/// <remarks>
/// Akka.Persistence.Sql keeps each journal's highest event (marked deleted) so that its sequence numbers never start
/// over: a compacted chunk leaves that one row.
/// </remarks>
public sealed class ChunkJournalDeletion : ReceiveActor
{
    private const int AtOnce = 4;
    private readonly Queue<string> _persistenceIds;
    private readonly IActorRef _journal;
    private readonly IActorRef _snapshots;
    private readonly int _chunks;
    private int _awaiting;
    private int _failed;

    public ChunkJournalDeletion(IReadOnlyCollection<string> persistenceIds)
    {
        _persistenceIds = new Queue<string>(persistenceIds);
        _chunks = persistenceIds.Count;
        var persistence = Persistence.Instance.Apply(Context.System);
        _journal = persistence.JournalFor(null);
        _snapshots = persistence.SnapshotStoreFor(null);
        Receive<DeleteMessagesSuccess>(_ => Answered(failed: false));
        Receive<DeleteMessagesFailure>(_ => Answered(failed: true));
        Receive<DeleteSnapshotsSuccess>(_ => Answered(failed: false));
        Receive<DeleteSnapshotsFailure>(_ => Answered(failed: true));
    }

    public static Props Props(IReadOnlyCollection<string> persistenceIds) => Akka.Actor.Props.Create(() => new ChunkJournalDeletion(persistenceIds));

    protected override void PreStart()
    {
        for (var i = 0; i < AtOnce; i++) Next();
        FinishIfDone();
    }

    private void Next()
    {
        if (!_persistenceIds.TryDequeue(out var id)) return;
        _journal.Tell(new DeleteMessagesTo(id, long.MaxValue, Self));
        _snapshots.Tell(new DeleteSnapshots(id, SnapshotSelectionCriteria.Latest), Self);
        _awaiting += 2;
    }

    private void Answered(bool failed)
    {
        _awaiting--;
        if (failed) _failed++;
        // Two answers per chunk: going on at every even count keeps at most AtOnce chunks' deletions under way.
        if (_awaiting % 2 == 0) Next();
        FinishIfDone();
    }

    private void FinishIfDone()
    {
        if (_awaiting > 0 || _persistenceIds.Count > 0) return;
        Context.Parent.Tell(new ChunkJournalsDeleted(_chunks, _failed));
        Context.Stop(Self);
    }
}
