namespace Flock.Actors.Persistence;

/// <summary>An event as handed to a journal for writing.</summary>
public interface IPersistentRepresentation
{
    /// <summary>Position in the persistence id's stream, starting at 1, with no gaps.</summary>
    long SequenceNumber { get; }

    object Payload { get; }
}

/// <summary>
/// An event in a persistence id's stream. <see cref="Manifest"/>, <see cref="Ordering"/> and <see cref="Created"/>
/// are filled in on replay; they are ignored on write.
/// </summary>
public sealed record PersistentEvent(string PersistenceId, long SequenceNumber, object Payload) : IPersistentRepresentation
{
    public string Manifest { get; init; } = "";

    /// <summary>Global insertion order across all persistence ids.</summary>
    public long Ordering { get; init; }

    public DateTimeOffset Created { get; init; }
}
