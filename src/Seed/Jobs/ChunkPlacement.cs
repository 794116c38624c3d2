using Flock.Messages.Jobs;

namespace Flock.Seed.Jobs;

/// <summary>
/// Which pending chunks a node with a free slot should take, best first: the longest first, so what is left at the end
/// is short and nodes finish together; but not one it would finish long after the job could be done and after another
/// node could finish it, even once that node is through what it already holds. On a mixed cluster a slow node that
/// picks up a long chunk late makes every other node wait for it (measured in bench/: a node at half a core took the
/// job's longest chunk into its reserve and finished 17 s after the fast node ran out of work).
/// </summary>
internal static class ChunkPlacement
{
    /// <summary>How much later than the best other node a claimant may expect to finish a chunk and still take it.</summary>
    public const double Slack = 1.2;

    /// <param name="chunks">The job's chunk views.</param>
    /// <param name="frameCount">A chunk's planned frame count by index.</param>
    /// <param name="peers">The other nodes that could take this job's chunks now or once a slot frees.</param>
    /// <param name="powers">Benchmark powers by node, standing in for speeds; a node missing from it counts as 1.</param>
    public static IReadOnlyList<int> Candidates(IReadOnlyCollection<ChunkView> chunks, Func<int, int> frameCount, string claimant,
        IReadOnlyCollection<string> peers, IReadOnlyDictionary<string, double> powers)
    {
        var pending = chunks.Where(v => v.State.Status == ChunkStates.Pending)
            .OrderByDescending(v => frameCount(v.State.Index)).ThenBy(v => v.State.Index).ToList();
        if (pending.Count == 0) return [];

        double Left(ChunkView v) => Math.Max(0, frameCount(v.State.Index) - (v.State.Status == ChunkStates.Encoding ? v.EncodedFrames : 0));
        double Backlog(string node) => chunks.Where(v => v.State.IsHeldBy(node)).Sum(Left);

        var own = (Backlog: Backlog(claimant), Power: NodePowers.Of(powers, claimant));
        var others = peers.Where(p => p != claimant).Distinct(StringComparer.Ordinal)
            .Select(p => (Name: p, Backlog: Backlog(p), Power: NodePowers.Of(powers, p))).ToList();
        // When the job would end if its remaining frames were shared out by power with nothing left over.
        var idealEnd = chunks.Where(v => v.State.Status != ChunkStates.Done).Sum(Left) / (own.Power + others.Sum(o => o.Power));

        var taken = new List<int>(pending.Count);
        foreach (var view in pending)
        {
            var frames = frameCount(view.State.Index);
            var mine = (own.Backlog + frames) / own.Power;
            // A node that already failed this chunk gets it only when every node has (ChunkState.BetterLeftTo): it is
            // no better place for it, and counting it could leave the chunk to nobody.
            var able = others.Where(o => !view.State.FailedNodes.Contains(o.Name)).ToList();
            var best = able.Count == 0 ? double.PositiveInfinity : able.Min(o => (o.Backlog + frames) / o.Power);
            if (mine <= idealEnd || mine <= best * Slack) taken.Add(view.State.Index);
        }
        return taken;
    }
}
