namespace Flock.Seed.Jobs;

/// <summary>Benchmark powers stand in for node speeds when choosing where a chunk runs.</summary>
internal static class NodePowers
{
    /// <summary>A node's power; one missing from <paramref name="powers"/> (or not benchmarked yet) counts as 1.</summary>
    public static double Of(IReadOnlyDictionary<string, double> powers, string node) =>
        powers.TryGetValue(node, out var p) && p > 0 ? p : 1;
}
