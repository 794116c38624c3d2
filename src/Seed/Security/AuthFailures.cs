using System.Collections.Concurrent;
using System.Net;

namespace Flock.Seed.Security;

/// <summary>
/// Slows down guessing: after <c>limit</c> failed attempts (bad token, wrong cluster key) from one address within a
/// minute, each further failure from it waits its turn for a one-second gate and is refused as "too many". Requests
/// that authenticate are never held, so a legitimate client sharing the address keeps working.
/// </summary>
public sealed class AuthFailures(int limit, TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Penalty = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Entry> _byAddress = new();

    /// <summary>Records a failure; returns true when the address is over the limit (after holding it for the penalty).</summary>
    public async Task<bool> FailAsync(IPAddress? address, CancellationToken ct)
    {
        var key = address?.ToString() ?? "unknown";
        if (_byAddress.Count > 10_000) Prune();
        var entry = _byAddress.GetOrAdd(key, _ => new Entry());
        int recent;
        var now = clock.GetUtcNow();
        lock (entry.Failures)
        {
            while (entry.Failures.Count > 0 && now - entry.Failures.Peek() > Window) entry.Failures.Dequeue();
            entry.Failures.Enqueue(now);
            recent = entry.Failures.Count;
        }
        if (recent <= limit) return false;
        // One at a time per address: parallel connections do not multiply the guessing rate.
        await entry.Gate.WaitAsync(ct).ConfigureAwait(false);
        try { await Task.Delay(Penalty, clock, ct).ConfigureAwait(false); }
        finally { entry.Gate.Release(); }
        return true;
    }

    private void Prune()
    {
        var now = clock.GetUtcNow();
        foreach (var (key, entry) in _byAddress)
            lock (entry.Failures)
                if (entry.Failures.Count == 0 || now - entry.Failures.Last() > Window) _byAddress.TryRemove(key, out _);
    }

    private sealed class Entry
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}
