namespace Flock.Cli.Hosting;

/// <summary>
/// The wait before starting something again (a seed's or a node's cluster member): doubling from the shortest up to
/// the longest, plus a random share of up to <c>jitter</c> of it, so that many starting again at once spread out.
/// </summary>
public sealed class RestartBackoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly double _jitter;

    public RestartBackoff(TimeSpan min, TimeSpan max, double jitter = 0)
    {
        (_min, _max, _jitter) = (min, max, jitter);
        Next = min;
    }

    /// <summary>The next wait, before its jitter.</summary>
    public TimeSpan Next { get; private set; }

    /// <summary>What ran long enough was not a failure in a loop: the next wait is the shortest again.</summary>
    public void Reset() => Next = _min;

    /// <summary>Waits <see cref="Next"/> (cut short by <paramref name="ct"/>, without throwing), then doubles it.</summary>
    public async Task WaitAsync(CancellationToken ct)
    {
        try { await Task.Delay(Next * (1 + _jitter * Random.Shared.NextDouble()), ct).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        Next = TimeSpan.FromTicks(Math.Min(_max.Ticks, Next.Ticks * 2));
    }
}
