using System.Collections.Immutable;
using Flock.Media.Assembly;

namespace Flock.Seed.Jobs;

/// <summary>
/// The verified chunks' half of the output's content check (<see cref="OutputContentCheck"/>), done while a job's last
/// chunks still encode rather than after the last one, where it was the job's fixed cost (issue 18): which runs of
/// consecutive chunks are hashed, and whether the hashing was started. Once per job, whatever it comes to: what is
/// verified after it, or what a failed hashing left out, is hashed by the ffmpeg that hashes the output's keyframes
/// anyway, where a few more keyframes cost far less than another ffmpeg would (a process start is most of what hashing a
/// chunk's keyframes costs).
/// </summary>
public sealed record KeyframesAhead(ImmutableList<KeyframeRun> Hashed, bool IsStarted)
{
    public static readonly KeyframesAhead None = new([], false);

    /// <summary>The verified chunks as runs of consecutive indexes, the first time; nothing after that.</summary>
    public IReadOnlyList<(int First, int Last)> Next(IEnumerable<int> verified) => IsStarted ? [] : Runs(verified);

    public KeyframesAhead Started() => this with { IsStarted = true };

    public KeyframesAhead Finished(IReadOnlyList<KeyframeRun> runs) => this with { Hashed = Hashed.AddRange(runs) };

    /// <summary>
    /// Of <paramref name="candidates"/>, the runs to trust for chunks 0 to <paramref name="count"/> - 1: those whose files are
    /// still as they were hashed and that overlap no earlier one; and the runs of chunks they leave to hash.
    /// </summary>
    public static (IReadOnlyList<KeyframeRun> Valid, IReadOnlyList<(int First, int Last)> Missing) Cover(int count, IEnumerable<KeyframeRun> candidates, Func<int, FileStamp> stampOf)
    {
        var covered = new bool[count];
        var valid = new List<KeyframeRun>();
        foreach (var run in candidates)
        {
            if (run.First < 0 || run.Last >= count || run.Last < run.First || run.Files.Count != run.Last - run.First + 1) continue;
            if (Enumerable.Range(run.First, run.Files.Count).Any(i => covered[i] || stampOf(i) != run.Files[i - run.First])) continue;
            for (var i = run.First; i <= run.Last; i++) covered[i] = true;
            valid.Add(run);
        }
        return (valid, Runs(Enumerable.Range(0, count).Where(i => !covered[i])));
    }

    /// <summary>Indexes grouped into runs of consecutive ones, in order.</summary>
    public static IReadOnlyList<(int First, int Last)> Runs(IEnumerable<int> indexes)
    {
        var runs = new List<(int First, int Last)>();
        foreach (var i in indexes.Distinct().Order())
        {
            if (runs.Count > 0 && runs[^1].Last == i - 1) runs[^1] = (runs[^1].First, i);
            else runs.Add((i, i));
        }
        return runs;
    }
}
