namespace Flock.Media.Planning;

/// <summary>
/// How long chunks are. Every chunk aims at <see cref="ChunkSeconds"/> except <see cref="TailChunks"/> from the end of
/// the source, which halve one after another down to <see cref="MinimumChunkSeconds"/> (in whichever order keyframes
/// favour): a node that picks up the job's last chunk then holds only a short one, so all nodes finish at about the
/// same time instead of one encoding a full chunk alone.
/// </summary>
/// <param name="PreferSceneCuts">
/// Among the keyframes near a cut, take one the source's encoder placed at a scene change (see <see cref="SceneCuts"/>):
/// the output encoder would start a new GOP there anyway, so the chunk boundary costs almost nothing.
/// </param>
/// <param name="FixedGop">
/// The output's keyframe interval in frames when the user's options fix it (see <c>FixedGop.Of</c>): every cut then
/// falls on a multiple of it, counted from the source's first frame, so that chunks, each starting with a keyframe,
/// give the same keyframe grid as one encode of the whole file.
/// </param>
public sealed record ChunkSizing(double ChunkSeconds, int TailChunks = 0, double MinimumChunkSeconds = 2, bool PreferSceneCuts = false, int? FixedGop = null)
{
    /// <summary>Each tail chunk aims at this fraction of the one before it.</summary>
    public const double TailRatio = 0.5;

    /// <summary>Target lengths of the tail chunks, in ticks, first to last; empty when no tail chunk would be shorter than a chunk.</summary>
    public long[] TailTargets(long target, long minimum)
    {
        var lengths = new List<long>();
        var length = (double)target;
        for (var i = 0; i < TailChunks; i++)
        {
            length *= TailRatio;
            var tick = (long)Math.Max(minimum, Math.Round(length));
            if (tick >= target) break;
            lengths.Add(tick);
        }
        return lengths.ToArray();
    }
}
