using Flock.Messages.Jobs;

namespace Flock.Seed.Jobs;

/// <summary>
/// Which chunk an idle node should take from a busy node's reserve, if any. A chunk in reserve waits for its holder's
/// running chunk to end; at the end of a job that wait is what leaves one node idle while another still has two
/// chunks to go. Taking it over pays when the idle node would finish it before the holder even could.
/// </summary>
internal static class WorkStealing
{
    /// <param name="chunks">The job's chunk views.</param>
    /// <param name="frameCount">A chunk's planned frame count by index.</param>
    /// <param name="powers">Benchmark powers by node; a node missing from it counts as 1.</param>
    /// <returns>The chunk to take over and the node it waits on, or null when no take-over would finish sooner.</returns>
    public static (int Index, string Holder)? Choose(IReadOnlyCollection<ChunkView> chunks, Func<int, int> frameCount, string claimant,
        IReadOnlyDictionary<string, double> powers)
    {
        (int Index, string Holder)? best = null;
        var bestWait = double.NegativeInfinity;
        foreach (var view in chunks)
        {
            var state = view.State;
            if (state.FailedNodes.Contains(claimant)) continue;
            if (state.LiveRuns.FirstOrDefault() is not { } first || state.WaitingInReserveOf(first.Node) is not { } waiting || waiting.Node == claimant) continue;

            var holder = waiting.Node;
            // The holder's other chunk of this job is the one it works on; with none, this one may be running unreported.
            var running = chunks.Where(v => v != view && v.State.IsHeldBy(holder))
                .OrderByDescending(v => v.State.LiveRuns.Any(r => r.Node == holder && r.Encoding))
                .ThenBy(v => v.State.LiveRuns.Where(r => r.Node == holder).Min(r => r.At))
                .FirstOrDefault();
            if (running is null) continue;
            var runningRun = running.State.LiveRuns.First(r => r.Node == holder);
            if (!runningRun.Encoding && runningRun.At > waiting.At) continue; // this one was handed out first: likely the running one
            var frames = frameCount(state.Index);
            var holderPower = NodePowers.Of(powers, holder);
            var claimantPower = NodePowers.Of(powers, claimant);
            // The holder's own speed on this job once it has reported one; before that, powers stand in for speeds.
            var holderFps = running.FramesPerSecond > 0 ? running.FramesPerSecond : holderPower;
            var onHolder = frames / holderFps;
            var onClaimant = onHolder * holderPower / claimantPower;
            var holderBusyFor = running.FramesPerSecond > 0 ? running.SecondsLeft(frameCount(running.State.Index)) : frameCount(running.State.Index) / holderFps;
            if (onClaimant >= holderBusyFor + onHolder) continue;
            if (holderBusyFor > bestWait)
            {
                bestWait = holderBusyFor;
                best = (state.Index, holder);
            }
        }
        return best;
    }

    /// <summary>
    /// Whether a second attempt of a running chunk on <paramref name="claimant"/> is expected to finish before the first:
    /// always when the first has reported no speed (it stalls), otherwise judged from its speed and the two powers. A
    /// copy of a chunk about to finish only takes a core from whatever runs beside it.
    /// </summary>
    public static bool SecondRunWouldFinishFirst(ChunkView running, int frameCount, string claimant, IReadOnlyDictionary<string, double> powers)
    {
        if (running.FramesPerSecond <= 0 || running.State.LiveRuns.FirstOrDefault() is not { } first) return true;
        var claimantFps = running.FramesPerSecond * NodePowers.Of(powers, claimant) / NodePowers.Of(powers, first.Node);
        return frameCount / claimantFps < running.SecondsLeft(frameCount);
    }
}
