using System.Collections.Immutable;
using Flock.Media.Options;
using Flock.Media.Planning;
using Flock.Media.Probing;

namespace Flock.Seed.Jobs;

/// <summary>
/// Holds a job with a bitrate target (<c>-b:v</c>) to that target for the whole file. Each chunk starts from its
/// complexity share (<see cref="BitrateAllocation"/>); as chunks are verified the seed learns how far the encoder
/// lands from what it is asked on chunks this short (x264 one-pass asked for 500k on 2 s chunks gave 467k) and asks
/// the chunks not yet handed out for what keeps the file on target. A pure value: the job actor keeps it.
/// </summary>
/// <param name="Allocation">each chunk's complexity share, bits per second.</param>
/// <param name="Assigned">the rate each chunk was handed out with (every attempt of a chunk gets the same one).</param>
/// <param name="Achieved">video bits of each verified chunk.</param>
public sealed record RateControl(
    long Target,
    ImmutableArray<double> Allocation,
    ImmutableArray<double> Seconds,
    long? MaxRate,
    ImmutableDictionary<int, long> Assigned,
    ImmutableDictionary<int, long> Achieved)
{
    /// <summary>How far a chunk's rate may move from its share to make up for the others: beyond this the picture would visibly jump.</summary>
    public const double MinScale = 0.5, MaxScale = 2.0;

    /// <summary>Null unless the job's video options aim at a bitrate.</summary>
    public static RateControl? For(IReadOnlyList<string> videoOptions, FrameTimeline timeline, ChunkPlan plan)
    {
        if (VideoBitrate.TargetOf(videoOptions) is not { } target || plan.Chunks.Count == 0) return null;
        var maxRate = VideoBitrate.MaxRateOf(videoOptions);
        return new RateControl(target, [.. BitrateAllocation.Share(timeline, plan, target, maxRate)], [.. BitrateAllocation.Seconds(timeline, plan)], maxRate,
            ImmutableDictionary<int, long>.Empty, ImmutableDictionary<int, long>.Empty);
    }

    /// <summary>Achieved over asked, over the chunks verified so far (1 before any).</summary>
    public double LearnedRatio
    {
        get
        {
            var asked = Achieved.Keys.Sum(i => AskedBits(i));
            return Achieved.Count == 0 || asked <= 0 ? 1 : Achieved.Values.Sum() / asked;
        }
    }

    /// <summary>The rate to hand chunk <paramref name="index"/> out with now, and the state that remembers it.</summary>
    public (RateControl State, long BitsPerSecond) Assign(int index)
    {
        if (Assigned.TryGetValue(index, out var given)) return (this, given);
        var ratio = LearnedRatio;
        var inFlight = Assigned.Keys.Where(i => !Achieved.ContainsKey(i)).Sum(i => AskedBits(i) * ratio);
        var open = Enumerable.Range(0, Allocation.Length).Where(i => !Assigned.ContainsKey(i) && !Achieved.ContainsKey(i)).Sum(i => Allocation[i] * Seconds[i]);
        var left = Target * Seconds.Sum() - Achieved.Values.Sum() - inFlight;
        var scale = open > 0 ? Math.Clamp(left / (ratio * open), MinScale, MaxScale) : 1;
        var rate = (long)Math.Round(Allocation[index] * scale);
        if (MaxRate is { } cap) rate = Math.Min(rate, cap);
        rate = Math.Max(1000, rate);
        return (this with { Assigned = Assigned.SetItem(index, rate) }, rate);
    }

    /// <summary>Chunk <paramref name="index"/> went out asked for <paramref name="bitsPerSecond"/> without this control (before the plan existed).</summary>
    public RateControl HandedOut(int index, long bitsPerSecond) => Assigned.ContainsKey(index) ? this : this with { Assigned = Assigned.SetItem(index, bitsPerSecond) };

    public RateControl Verified(int index, long videoBits) => this with { Achieved = Achieved.SetItem(index, videoBits) };

    /// <summary>A chunk run again from scratch (job retried) is asked afresh.</summary>
    public RateControl Forget(int index) => this with { Assigned = Assigned.Remove(index), Achieved = Achieved.Remove(index) };

    private double AskedBits(int index) => (Assigned.TryGetValue(index, out var rate) ? rate : Allocation[index]) * Seconds[index];
}
