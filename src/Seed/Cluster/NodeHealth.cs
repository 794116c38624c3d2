using System.Collections.Immutable;
using Flock.Seed.Options;

namespace Flock.Seed.Cluster;

/// <summary>
/// A node's recent chunk failures and whether it is quarantined (given no new chunks) because of them. Failures are
/// counted per distinct chunk: one broken chunk failing again and again on a node says nothing about the node,
/// many different chunks failing on it do.
/// </summary>
public sealed record NodeHealth(ImmutableList<(string Chunk, DateTimeOffset At)> Failures, DateTimeOffset? QuarantinedUntil)
{
    public static readonly NodeHealth Healthy = new([], null);

    public bool IsQuarantined(DateTimeOffset now) => QuarantinedUntil is { } until && until > now;

    /// <summary>Records a failed chunk; quarantines the node when enough distinct chunks failed inside the window.</summary>
    public NodeHealth ChunkFailed(string chunk, DateTimeOffset at, QuarantineOptions options)
    {
        var recent = Failures.RemoveAll(f => at - f.At > options.Window || f.Chunk == chunk).Add((chunk, at));
        if (!options.Enabled || recent.Count < options.Failures || IsQuarantined(at)) return this with { Failures = recent };
        return new NodeHealth([], at + options.Duration);
    }

    /// <summary>Ends a quarantine whose time is up; the failures that caused it are already forgotten.</summary>
    public NodeHealth Expire(DateTimeOffset now) => QuarantinedUntil is { } until && until <= now ? this with { QuarantinedUntil = null } : this;
}
