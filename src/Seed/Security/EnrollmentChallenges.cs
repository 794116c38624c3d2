using System.Collections.Concurrent;
using Flock.Messages.Cluster;

namespace Flock.Seed.Security;

/// <summary>
/// The seed's halves of enrollment challenges: each nonce is good for one enrollment within a minute, so a captured
/// proof cannot be replayed. Bounded, so a flood of challenge requests cannot grow it without limit.
/// </summary>
public sealed class EnrollmentChallenges(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private const int MaxOutstanding = 4096;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _open = new(StringComparer.Ordinal);

    public string Create()
    {
        var now = clock.GetUtcNow();
        if (_open.Count >= MaxOutstanding)
        {
            foreach (var (nonce, expires) in _open)
                if (expires <= now) _open.TryRemove(nonce, out _);
            // Still full: the oldest go, and a slow honest node simply asks again.
            foreach (var (nonce, _) in _open.OrderBy(o => o.Value).Take(_open.Count - MaxOutstanding + 1).ToList()) _open.TryRemove(nonce, out _);
        }
        var created = ClusterKey.NewNonce();
        _open[created] = now + Lifetime;
        return created;
    }

    /// <summary>True once for a nonce this seed handed out less than a minute ago.</summary>
    public bool Redeem(string nonce) => _open.TryRemove(nonce, out var expires) && expires > clock.GetUtcNow();
}
