using Flock.Messages.Jobs;
using Flock.Seed.Chunks;

namespace Flock.Seed.Jobs;

/// <summary>
/// Where a job's wall time went, from its own timestamps and its chunks' attempt histories: a pure function, so the
/// same figures come from a running job, a settled one and one read back after a restart. What is not inside an
/// encode is the job's fixed cost (issue 18): the lead-in before the first encode, the gaps between a node's encodes,
/// and the tail after the last result.
/// </summary>
public static class JobTimeBreakdown
{
    public static JobTimeBreakdownResponse Of(DateTimeOffset submitted, DateTimeOffset? assemblyStarted, DateTimeOffset? finished,
        IEnumerable<ChunkAttempt> attempts, DateTimeOffset now)
    {
        var all = attempts.ToList();
        DateTimeOffset? Min(IEnumerable<DateTimeOffset?> times) => times.Where(t => t is not null).Min();
        DateTimeOffset? Max(IEnumerable<DateTimeOffset?> times) => times.Where(t => t is not null).Max();
        var firstHandOut = Min(all.Select(a => (DateTimeOffset?)a.Started));
        var firstEncode = Min(all.Select(a => a.EncodingAt));
        var lastResult = Max(all.Where(a => a.Outcome == AttemptOutcomes.Done).Select(a => a.ReceivedAt));
        var lastVerified = Max(all.Where(a => a.Outcome == AttemptOutcomes.Done).Select(a => a.Ended));
        var idle = all.Where(a => a.EncodingAt is not null && a.ReceivedAt is not null).GroupBy(a => a.Node, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Round(IdleSeconds(g.Select(a => (a.EncodingAt!.Value, a.ReceivedAt!.Value)))), StringComparer.Ordinal);
        return new JobTimeBreakdownResponse(
            Between(submitted, firstHandOut), Between(submitted, firstEncode), Between(firstEncode, lastResult), idle,
            Between(lastResult, lastVerified), Between(lastVerified, assemblyStarted), Between(assemblyStarted, finished),
            Round(((finished ?? now) - submitted).TotalSeconds));
    }

    /// <summary>Inside the span from a node's first encode start to its last result, the time no encode of it was running.</summary>
    public static double IdleSeconds(IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> encodes)
    {
        var sorted = encodes.Where(e => e.End >= e.Start).OrderBy(e => e.Start).ToList();
        if (sorted.Count == 0) return 0;
        var idle = TimeSpan.Zero;
        var coveredTo = sorted[0].End;
        foreach (var (start, end) in sorted.Skip(1))
        {
            if (start > coveredTo) idle += start - coveredTo;
            if (end > coveredTo) coveredTo = end;
        }
        return idle.TotalSeconds;
    }

    private static double? Between(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } f && to is { } t ? Round(Math.Max(0, (t - f).TotalSeconds)) : null;

    private static double Round(double seconds) => Math.Round(seconds, 2);
}
