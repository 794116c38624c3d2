using System.Globalization;
using System.Text.RegularExpressions;

namespace Flock.Media.Encoding;

/// <summary>
/// A chunk's bits as a function of the one rate factor every chunk's second pass shares, read from its x264 first-pass
/// statistics the way x264's own second pass reads a whole file's (ratecontrol.c, init_pass2): each frame's complexity
/// is its bits at quantiser scale 1, blurred over its neighbours; its new scale is complexity^(1 - qcomp) / rate
/// factor; and its bits at a new scale are texture × (old/new)^1.1 + motion × (old/new)^0.5 + the rest, unchanged.
/// Summed over the chunk's frames, that is <c>bits(rf) = Texture × rf^1.1 + Motion × rf^0.5 + Misc</c>, so the seed
/// can find the rate factor at which the file meets its target, and give each chunk the bits x264 would have given
/// its frames. Sharing the target in proportion to first-pass bits instead gave calm chunks 6 % less and busy ones 8 %
/// more than one machine's second pass did on a 40 s clip (this model: within 4 %).
/// </summary>
public sealed partial record FirstPassModel(double Texture, double Motion, double Misc)
{
    /// <summary>The constant rate factor the first pass ran at (from its statistics' options); null when it did not run at one.</summary>
    public double? Crf { get; init; }

    /// <summary>
    /// The mean over the chunk's frames of log2(second-pass quantiser scale × rate factor / first-pass scale): with it the
    /// quantiser step from the first pass to the second at any rate factor is known (<see cref="QpShiftAt"/>), and so
    /// how far the bits were extrapolated. Null when not read from statistics.
    /// </summary>
    public double? ScaleLog2 { get; init; }

    /// <summary>
    /// How many QP the chunk's frames move, on average, from its first pass to its second at <paramref name="rateFactor"/>:
    /// the further, the less the bits follow the model (x264's texture bits do not scale by one power of the quantiser
    /// over ten QP: a noisy chunk spends 1.8x a calm one at CRF 23 and the same at CRF 33).
    /// </summary>
    public double? QpShiftAt(double rateFactor) => ScaleLog2 is { } s && rateFactor > 0 ? 6 * (s - Math.Log2(rateFactor)) : null;

    /// <summary>The constant rate factor at which this chunk's first pass would have run at the quantisers of its second pass at <paramref name="rateFactor"/>.</summary>
    public double? CrfAt(double rateFactor) => Crf is { } crf && QpShiftAt(rateFactor) is { } shift ? crf + shift : null;

    /// <summary>x264's default: the model's qcomp when the statistics do not name one.</summary>
    public const double DefaultQcomp = 0.6;

    /// <summary>Frames either side a complexity is blurred over (x264's cplxblur weights fall to nothing by then).</summary>
    private const int BlurReach = 40;

    /// <summary>The chunk's bits at rate factor <paramref name="rateFactor"/>.</summary>
    public double BitsAt(double rateFactor) => Texture * Math.Pow(rateFactor, 1.1) + Motion * Math.Pow(rateFactor, 0.5) + Misc;

    public FirstPassModel Scaled(double by) => new(Texture * by, Motion * by, Misc * by);

    public static FirstPassModel operator +(FirstPassModel a, FirstPassModel b) => new(a.Texture + b.Texture, a.Motion + b.Motion, a.Misc + b.Misc);

    public bool IsUsable => double.IsFinite(Texture) && double.IsFinite(Motion) && double.IsFinite(Misc) && Texture >= 0 && Motion >= 0 && Misc >= 0
        && Texture + Motion + Misc > 0;

    /// <summary>The model of an x264 first pass's statistics (<c>-passlogfile</c> prefix + <c>-0.log</c>); null when it holds no frame line.</summary>
    public static FirstPassModel? FromX264(string text)
    {
        var qcomp = DefaultQcomp;
        double? crf = null;
        var frames = new List<(double Scale, double Tex, double Mv, double Misc)>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("#options:", StringComparison.Ordinal))
            {
                if (Qcomp().Match(line) is { Success: true } q) qcomp = double.Parse(q.Groups["qcomp"].Value, CultureInfo.InvariantCulture);
                if (line.Contains(" rc=crf ", StringComparison.Ordinal) && CrfOption().Match(line) is { Success: true } c)
                    crf = double.Parse(c.Groups["crf"].Value, CultureInfo.InvariantCulture);
            }
            if (Frame().Match(line) is not { Success: true } m) continue;
            var qp = double.Parse(m.Groups["q"].Value, CultureInfo.InvariantCulture);
            frames.Add((0.85 * Math.Pow(2, (qp - 12) / 6), double.Parse(m.Groups["tex"].Value, CultureInfo.InvariantCulture),
                double.Parse(m.Groups["mv"].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups["misc"].Value, CultureInfo.InvariantCulture)));
        }
        if (frames.Count == 0) return null;
        // Bits at quantiser scale 1, less what no quantiser changes: x264's measure of a frame's complexity.
        var complexity = frames.Select(f => (f.Tex + .1) * Math.Pow(f.Scale, 1.1) + f.Mv * Math.Pow(f.Scale, 0.5)).ToArray();
        double texture = 0, motion = 0, misc = 0, scaleLog2 = 0;
        for (var i = 0; i < frames.Count; i++)
        {
            double weights = 0, sum = 0;
            for (var j = Math.Max(0, i - BlurReach + 1); j < Math.Min(frames.Count, i + BlurReach); j++)
            {
                var w = Math.Exp(-(double)(j - i) * (j - i) / 200.0);
                weights += w;
                sum += w * complexity[j];
            }
            var scale = Math.Pow(sum / weights, 1 - qcomp); // the frame's new scale times the rate factor
            var (old, tex, mv, rest) = frames[i];
            texture += (tex + .1) * Math.Pow(old / scale, 1.1);
            motion += mv * Math.Pow(old / scale, 0.5);
            misc += rest;
            scaleLog2 += Math.Log2(scale / old);
        }
        return new FirstPassModel(texture, motion, misc) { Crf = crf, ScaleLog2 = scaleLog2 / frames.Count };
    }

    /// <summary>The rate factor at which <paramref name="models"/> together spend <paramref name="bits"/> (bits grow with it).</summary>
    public static double RateFactorFor(IReadOnlyList<FirstPassModel> models, double bits)
    {
        double lo = 1e-9, hi = 1e9;
        for (var i = 0; i < 200 && hi / lo > 1 + 1e-9; i++)
        {
            var mid = Math.Sqrt(lo * hi);
            if (models.Sum(m => m.BitsAt(mid)) > bits) hi = mid;
            else lo = mid;
        }
        return Math.Sqrt(lo * hi);
    }

    [GeneratedRegex(@"\bcrf=(?<crf>[0-9.]+)")]
    private static partial Regex CrfOption();

    [GeneratedRegex(@"\bqcomp=(?<qcomp>[0-9.]+)")]
    private static partial Regex Qcomp();

    [GeneratedRegex(@"\bq:(?<q>[0-9.]+)\b.*\btex:(?<tex>\d+) mv:(?<mv>\d+) misc:(?<misc>\d+)")]
    private static partial Regex Frame();
}
