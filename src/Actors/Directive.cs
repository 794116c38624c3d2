namespace Flock.Actors;

/// <summary>What a supervisor does with a child whose <c>ReceiveAsync</c> threw.</summary>
public enum Directive
{
    /// <summary>Keep the current instance and its state; only the failing message is lost.</summary>
    Resume,
    /// <summary>Replace the instance with a fresh one from the Props factory; the mailbox survives.</summary>
    Restart,
    /// <summary>Stop the child for good.</summary>
    Stop,
    /// <summary>Fail the supervisor itself with the same exception so its own parent decides.</summary>
    Escalate,
}
