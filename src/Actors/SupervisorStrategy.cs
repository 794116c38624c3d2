namespace Flock.Actors;

/// <summary>
/// Decides the fate of a failing child. It is attached to the parent's <see cref="Props"/>, because the parent
/// is the one that knows whether its children's state is disposable.
/// </summary>
public sealed class SupervisorStrategy
{
    private SupervisorStrategy(int maxRetries, TimeSpan withinTime, Func<Exception, Directive> decider)
    {
        MaxNrOfRetries = maxRetries;
        WithinTimeRange = withinTime;
        Decider = decider;
    }

    /// <summary>Restart on any exception, but give up (Stop) after 10 restarts within one minute so a poisoned actor cannot spin forever.</summary>
    public static SupervisorStrategy Default { get; } = OneForOne(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    /// <summary>Stops a child at its first failure.</summary>
    public static SupervisorStrategy Stopping { get; } = OneForOne(0, TimeSpan.Zero, _ => Directive.Stop);

    /// <summary>Maximum restarts allowed within <see cref="WithinTimeRange"/>; a negative value means unlimited.</summary>
    public int MaxNrOfRetries { get; }

    public TimeSpan WithinTimeRange { get; }

    public Func<Exception, Directive> Decider { get; }

    /// <summary>Applies the decision to the failing child only (Akka's one-for-one); siblings are unaffected.</summary>
    public static SupervisorStrategy OneForOne(int maxRetries, TimeSpan withinTime, Func<Exception, Directive> decider)
    {
        ArgumentNullException.ThrowIfNull(decider);
        return new SupervisorStrategy(maxRetries, withinTime, decider);
    }

    internal Directive Decide(Exception cause)
    {
        try
        {
            return Decider(cause);
        }
        catch
        {
            // A decider that throws cannot be trusted to decide anything; stopping is the safe outcome.
            return Directive.Stop;
        }
    }

    internal bool RequestRestartPermission(ref RestartStatistics stats)
    {
        if (MaxNrOfRetries < 0)
            return true;
        if (MaxNrOfRetries == 0)
            return false;
        var now = Environment.TickCount64;
        if (stats.Count == 0 || WithinTimeRange <= TimeSpan.Zero || now - stats.WindowStart > (long)WithinTimeRange.TotalMilliseconds)
        {
            stats = new RestartStatistics(1, now);
            return true;
        }
        stats = stats with { Count = stats.Count + 1 };
        return stats.Count <= MaxNrOfRetries;
    }
}

/// <summary>Restart history lives in the child's cell so it survives the instance being replaced.</summary>
internal readonly record struct RestartStatistics(int Count, long WindowStart);
