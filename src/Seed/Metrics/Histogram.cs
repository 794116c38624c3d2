namespace Flock.Seed.Metrics;

/// <summary>A Prometheus histogram's state: a count per bucket (not cumulative; the last is above every bound) and the sum of what was observed.</summary>
public sealed class Histogram(double[] bounds)
{
    private readonly long[] _counts = new long[bounds.Length + 1];
    private readonly object _lock = new();
    private double _sum;

    public IReadOnlyList<double> Bounds => bounds;

    public void Observe(double value)
    {
        var bucket = Array.FindIndex(bounds, b => value <= b);
        lock (_lock)
        {
            _counts[bucket < 0 ? bounds.Length : bucket]++;
            _sum += value;
        }
    }

    public (long[] Counts, double Sum) Snapshot()
    {
        lock (_lock) return ((long[])_counts.Clone(), _sum);
    }
}
