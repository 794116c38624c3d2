using System.Collections.Immutable;
using Flock.Media.Encoding;
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
    /// <summary>
    /// Each chunk's weight from its first pass (<see cref="Flock.Media.Encoding.FirstPassStats"/>), for two-pass jobs: once
    /// known, it replaces the source's bytes as the measure the file's bits are shared by.
    /// </summary>
    public ImmutableDictionary<int, double> FirstPass { get; init; } = ImmutableDictionary<int, double>.Empty;

    /// <summary>
    /// Each weighed chunk's bits as a function of the file's rate factor (<see cref="FirstPassModel"/>, x264): once any
    /// is known the file's bits are shared as x264's own second pass would share them among these frames, not in
    /// proportion to <see cref="FirstPass"/>.
    /// </summary>
    public ImmutableDictionary<int, FirstPassModel> Models { get; init; } = ImmutableDictionary<int, FirstPassModel>.Empty;

    /// <summary>The rate factor at which the file's chunks, as <see cref="Models"/> sees them, spend its budget; null before any model.</summary>
    public double? RateFactor { get; init; }

    /// <summary>
    /// How far (in QP) a chunk's first pass may sit from the quantisers of its second pass before it is run again nearer
    /// them: measured on a 320x180 clip at 100k, first passes at CRF 23 (11 QP away) put 30 % more on noisy chunks
    /// than one machine did, first passes at CRF 30 within 6 %; on a 640x360 clip at 800k (1 QP away) CRF 23 was nearest.
    /// </summary>
    public const double FarQp = 3;

    /// <summary>
    /// The constant rate factor this job's first passes should run at now: the mean over the weighed chunks of the CRF
    /// whose quantisers their second passes will use, so that a first pass extrapolates its bits a short way; null
    /// until a first pass that ran at a CRF has been weighed.
    /// </summary>
    public double? FirstPassCrf => RateFactor is { } rf && Models.Values.Select(m => m.CrfAt(rf)).OfType<double>().ToList() is { Count: > 0 } crfs
        ? CrfToRun(crfs.Average())
        : null;

    /// <summary>
    /// The CRF chunk <paramref name="index"/>'s first pass should run at again, when it ran more than <see cref="FarQp"/>
    /// from its second pass's quantisers; null when it is near enough (or its model does not say).
    /// </summary>
    public double? FirstPassAgainAt(int index) =>
        QpShiftOf(index) is { } shift && Math.Abs(shift) > FarQp && Models[index].CrfAt(RateFactor!.Value) is { } crf ? CrfToRun(crf) : null;

    /// <summary>How many QP chunk <paramref name="index"/>'s frames move from its first pass to its second at the file's rate factor; null when its model does not say.</summary>
    public double? QpShiftOf(int index) => RateFactor is { } rf && Models.TryGetValue(index, out var m) ? m.QpShiftAt(rf) : null;

    /// <summary>A CRF x264 takes, to the tenth the node passes on.</summary>
    private static double CrfToRun(double crf) => Math.Round(Math.Clamp(crf, 1, 51), 1);

    /// <summary>The model a node's first-pass figures describe.</summary>
    public static FirstPassModel? ModelOf(Messages.Chunks.FirstPassBits? bits) =>
        bits is { } b ? new FirstPassModel(b.Texture, b.Motion, b.Misc) { Crf = b.Crf, ScaleLog2 = b.ScaleLog2 } : null;

    /// <summary>Chunks whose second pass has been asked for its rate: what they were asked holds bits; a chunk only weighed does not.</summary>
    public ImmutableHashSet<int> SecondPassAsked { get; init; } = [];

    /// <summary>The shares from the source's bytes alone, which chunks without a first pass yet keep (scaled to the measured ones).</summary>
    public ImmutableArray<double> SourceAllocation { get; init; }

    /// <summary>How far a chunk's rate may move from its share to make up for the others: beyond this the picture would visibly jump.</summary>
    public const double MinScale = 0.5, MaxScale = 2.0;

    /// <summary>Null unless the job's video options aim at a bitrate.</summary>
    public static RateControl? For(IReadOnlyList<string> videoOptions, FrameTimeline timeline, ChunkPlan plan)
    {
        if (VideoBitrate.TargetOf(videoOptions) is not { } target || plan.Chunks.Count == 0) return null;
        var maxRate = VideoBitrate.MaxRateOf(videoOptions);
        ImmutableArray<double> shares = [.. BitrateAllocation.Share(timeline, plan, target, maxRate)];
        return new RateControl(target, shares, [.. BitrateAllocation.Seconds(timeline, plan)], maxRate,
            ImmutableDictionary<int, long>.Empty, ImmutableDictionary<int, long>.Empty) { SourceAllocation = shares };
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
        var rate = ShareOfWhatIsLeft(Allocation[index], inFlight, open, ratio);
        return (this with { Assigned = Assigned.SetItem(index, rate) }, rate);
    }

    /// <summary>
    /// The rate for chunk <paramref name="index"/>'s second pass, now that its first pass weighed it at
    /// <paramref name="weight"/>: the file's bits are shared again by first-pass weight, the chunks not measured yet
    /// counted at their source share times what the measured ones weigh per source bit, and the chunk is asked for its
    /// new share as <see cref="Assign"/> asks (corrected by what the verified chunks came to).
    /// </summary>
    public (RateControl State, long BitsPerSecond) SecondPass(int index, double weight, FirstPassModel? model = null)
    {
        if (!IsWeight(weight) || SourceAllocation.IsDefault) return Assign(index);
        var weighed = Weighed(index, weight, model);
        var allocation = weighed.Allocation;
        // What a first-pass hand-out asked for binds nothing (that chunk's second pass is asked again): only second
        // passes already asked, and chunks verified, hold bits; the rest, chunks only weighed included, is shared by
        // the new weights.
        var ratio = LearnedRatio;
        var committed = SecondPassAsked.Where(i => i != index && !Achieved.ContainsKey(i) && Assigned.ContainsKey(i)).Sum(i => Assigned[i] * Seconds[i] * ratio);
        var open = Enumerable.Range(0, allocation.Length).Where(i => i == index || (!Achieved.ContainsKey(i) && !SecondPassAsked.Contains(i))).Sum(i => allocation[i] * Seconds[i]);
        var rate = ShareOfWhatIsLeft(allocation[index], committed, open, ratio);
        return (weighed with { Assigned = Assigned.SetItem(index, rate), SecondPassAsked = SecondPassAsked.Add(index) }, rate);
    }

    /// <summary>
    /// Chunk <paramref name="index"/>'s first pass weighed it at <paramref name="weight"/>: the file's bits are shared
    /// again by first-pass weight, the chunks not measured yet counted at their source share times what the measured
    /// ones weigh per source bit. Nothing is asked: a chunk weighed while it waits behind another is asked later.
    /// </summary>
    public RateControl Weighed(int index, double weight, FirstPassModel? model = null)
    {
        if (!IsWeight(weight) || SourceAllocation.IsDefault || index < 0 || index >= SourceAllocation.Length) return this;
        // Weighed again by what it already holds (the job actor weighs a chunk before it decides to ask its rate): the
        // shares are what they are, and the rate factor is not searched for again.
        if (FirstPass.TryGetValue(index, out var held) && held == weight && (model is not { IsUsable: true } || (Models.TryGetValue(index, out var known) && known == model)))
            return this;
        var firstPass = FirstPass.SetItem(index, weight);
        if (model is { IsUsable: true } || !Models.IsEmpty)
        {
            var models = model is { IsUsable: true } ? Models.SetItem(index, model) : Models;
            var (modelled, rateFactor) = ModelledAllocation(models);
            return this with { FirstPass = firstPass, Models = models, Allocation = modelled, RateFactor = rateFactor };
        }
        var sourceBits = firstPass.Keys.Sum(i => SourceAllocation[i] * Seconds[i]);
        var perSourceBit = firstPass.Values.Sum() / sourceBits;
        var weights = Enumerable.Range(0, SourceAllocation.Length)
            .Select(i => firstPass.TryGetValue(i, out var w) ? w : SourceAllocation[i] * Seconds[i] * perSourceBit).ToArray();
        var budget = Target * Seconds.Sum();
        var total = weights.Sum();
        ImmutableArray<double> allocation = [.. weights.Select((w, i) => Seconds[i] > 0 ? budget * w / total / Seconds[i] : SourceAllocation[i])];
        return this with { FirstPass = firstPass, Allocation = allocation };
    }

    /// <summary>
    /// Each chunk's rate at the one rate factor where the file's chunks spend its budget: chunks not weighed yet are
    /// counted as the weighed ones together, scaled by their share of the source's bytes as far as the weighed ones
    /// follow it (<see cref="SourceFollowing"/>).
    /// </summary>
    private (ImmutableArray<double> Allocation, double RateFactor) ModelledAllocation(ImmutableDictionary<int, FirstPassModel> models)
    {
        var together = models.Values.Aggregate(new FirstPassModel(0, 0, 0), (a, b) => a + b);
        List<FirstPassModel> Each(double power)
        {
            double Measure(int i) => Math.Pow(SourceAllocation[i], power) * Seconds[i];
            var weighed = models.Keys.Sum(Measure);
            return [.. Enumerable.Range(0, SourceAllocation.Length).Select(i => models.TryGetValue(i, out var m) ? m : together.Scaled(weighed > 0 ? Measure(i) / weighed : 0))];
        }
        var budget = Target * Seconds.Sum();
        var power = SourceFollowing(models, FirstPassModel.RateFactorFor(Each(1), budget));
        var each = Each(power);
        var rateFactor = FirstPassModel.RateFactorFor(each, budget);
        return ([.. each.Select((m, i) => Seconds[i] > 0 ? m.BitsAt(rateFactor) / Seconds[i] : SourceAllocation[i])], rateFactor);
    }

    /// <summary>
    /// How closely the weighed chunks' needs at <paramref name="rateFactor"/> follow their source shares: the slope of
    /// log(bits per second) over log(source share), pulled towards 1 (plain proportion) while few chunks say so. The
    /// source's bytes are a fair guess at a target near the source's own quality and a poor one far from it: on a
    /// 640x360 clip at 300k, noisy spans the source spent several times as much on needed what calm ones did, so
    /// chunks not weighed yet were counted far too heavy and the last chunk asked got 0.6x its share.
    /// </summary>
    private double SourceFollowing(ImmutableDictionary<int, FirstPassModel> models, double rateFactor)
    {
        var points = models.Where(m => Seconds[m.Key] > 0 && SourceAllocation[m.Key] > 0 && m.Value.BitsAt(rateFactor) > 0)
            .Select(m => (X: Math.Log(SourceAllocation[m.Key]), Y: Math.Log(m.Value.BitsAt(rateFactor) / Seconds[m.Key]))).ToList();
        if (points.Count < 2) return 1;
        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        var spread = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        if (spread < 0.01 * points.Count) return 1;
        var slope = Math.Clamp(points.Sum(p => (p.X - meanX) * (p.Y - meanY)) / spread, 0, 1.5);
        return ((points.Count - 1) * slope + 2) / (points.Count + 1);
    }

    private static bool IsWeight(double weight) => weight > 0 && !double.IsNaN(weight) && !double.IsInfinity(weight);

    /// <summary>
    /// The control as a restarted seed finds it in the journal: the first passes weighed in the order they were measured,
    /// each chunk at the rate it was last asked for (a second pass's ask binding as it did), the chunks out without a
    /// journalled rate (<paramref name="outWithoutRate"/>: handed out before the plan existed, or by a seed that did not
    /// journal rates) at the file's target, and the verified chunks at what they came to.
    /// </summary>
    public RateControl Recovered(IEnumerable<JobChunkWeighed> weights, IEnumerable<JobChunkRateAsked> asked, IEnumerable<int> outWithoutRate,
        IEnumerable<(int Index, long VideoBits)> verified)
    {
        var state = weights.Aggregate(this, (r, w) => r.Weighed(w.ChunkIndex, w.Weight, ModelOf(w.Model)));
        state = asked.Where(a => a.ChunkIndex >= 0 && a.ChunkIndex < Allocation.Length).Aggregate(state, (r, a) => r with
        {
            Assigned = r.Assigned.SetItem(a.ChunkIndex, a.BitsPerSecond),
            SecondPassAsked = a.SecondPass ? r.SecondPassAsked.Add(a.ChunkIndex) : r.SecondPassAsked,
        });
        state = outWithoutRate.Aggregate(state, (r, i) => r.HandedOut(i, r.Target));
        return verified.Aggregate(state, (r, v) => r.HandedOut(v.Index, r.Target).Verified(v.Index, v.VideoBits));
    }

    /// <summary>Chunk <paramref name="index"/> went out asked for <paramref name="bitsPerSecond"/> without this control (before the plan existed).</summary>
    public RateControl HandedOut(int index, long bitsPerSecond) => Assigned.ContainsKey(index) ? this : this with { Assigned = Assigned.SetItem(index, bitsPerSecond) };

    public RateControl Verified(int index, long videoBits) => this with { Achieved = Achieved.SetItem(index, videoBits) };

    /// <summary>A chunk run again from scratch (job retried) is asked afresh.</summary>
    public RateControl Forget(int index) => this with { Assigned = Assigned.Remove(index), Achieved = Achieved.Remove(index), SecondPassAsked = SecondPassAsked.Remove(index) };

    /// <summary>
    /// A chunk's <paramref name="share"/> scaled so that the chunks still open (<paramref name="open"/> bits by their
    /// shares) get what the file's budget leaves after the verified chunks and those already asked for
    /// (<paramref name="held"/>), within <see cref="MinScale"/>..<see cref="MaxScale"/> and under -maxrate.
    /// </summary>
    private long ShareOfWhatIsLeft(double share, double held, double open, double ratio)
    {
        var left = Target * Seconds.Sum() - Achieved.Values.Sum() - held;
        var scale = open > 0 ? Math.Clamp(left / (ratio * open), MinScale, MaxScale) : 1;
        var rate = (long)Math.Round(share * scale);
        if (MaxRate is { } cap) rate = Math.Min(rate, cap);
        return Math.Max(1000, rate);
    }

    private double AskedBits(int index) => (Assigned.TryGetValue(index, out var rate) ? rate : Allocation[index]) * Seconds[index];
}
