namespace Flock.Actors;

/// <summary>Handle to a scheduled delivery.</summary>
public interface ICancelable
{
    bool IsCancellationRequested { get; }

    /// <summary>Idempotent; a message already handed to the mailbox is not recalled.</summary>
    void Cancel();
}
