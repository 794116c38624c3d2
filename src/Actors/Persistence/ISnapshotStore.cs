namespace Flock.Actors.Persistence;

/// <summary>Stores state snapshots so recovery can skip replaying the events they cover.</summary>
public interface ISnapshotStore
{
    /// <summary>Saves <paramref name="state"/> as the state after event <paramref name="sequenceNr"/>; saving the same pair again overwrites.</summary>
    Task SaveAsync(string persistenceId, long sequenceNr, object state);

    /// <summary>The snapshot with the highest sequence number, or null.</summary>
    Task<(long SequenceNr, object State)?> LoadLatestAsync(string persistenceId);
}
