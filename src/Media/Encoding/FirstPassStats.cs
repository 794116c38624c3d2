using System.Globalization;
using System.Text.RegularExpressions;
using Flock.Media.Options;

namespace Flock.Media.Encoding;

/// <summary>
/// What a chunk's first pass says about how many bits it needs. An x264 first pass runs at one constant quality
/// (<see cref="ConstantQuality"/>) on every chunk, so the bits it spent are the chunk's need in the measure a single
/// machine's two-pass shares a file's bits by (a bitrate second pass lands close to the constant-quality encode that
/// averages the same rate): the seed shares the file's bits among chunks in proportion to them. Each chunk's first pass
/// aiming at its own rate instead would hide that need: its rate control would spend about the rate it was asked for.
/// </summary>
public static partial class FirstPassStats
{
    /// <summary>The constant rate factor of every chunk's x264 first pass: x264's default; only the chunks' proportions count.</summary>
    public const string FirstPassCrf = "23";

    /// <summary>Encoders whose first pass runs at constant quality and writes statistics <see cref="X264Bits"/> reads.</summary>
    public static bool Weighs(string encoder) => encoder == "libx264";

    /// <summary>
    /// The first pass's options: the bitrate target replaced by one constant quality (x264 takes a CRF first pass for a
    /// bitrate second pass), <paramref name="crf"/> when the seed named one for the job, else <see cref="FirstPassCrf"/>.
    /// </summary>
    public static IReadOnlyList<string> ConstantQuality(IReadOnlyList<string> videoOptions, double? crf = null) =>
        [.. VideoBitrate.WithoutTarget(videoOptions), "-crf", crf is { } c ? c.ToString("0.0", CultureInfo.InvariantCulture) : FirstPassCrf];

    /// <summary>
    /// The bits an x264 first pass spent, from its statistics (<c>-passlogfile</c> prefix + <c>-0.log</c>), or null when
    /// the text holds no frame line (another encoder's binary stats, say).
    /// </summary>
    public static double? X264Bits(string text)
    {
        var bits = 0.0;
        var frames = 0;
        foreach (var line in text.Split('\n'))
        {
            if (FrameLine().Match(line) is not { Success: true } m) continue;
            bits += double.Parse(m.Groups["tex"].Value, CultureInfo.InvariantCulture) + double.Parse(m.Groups["mv"].Value, CultureInfo.InvariantCulture)
                + double.Parse(m.Groups["misc"].Value, CultureInfo.InvariantCulture);
            frames++;
        }
        return frames > 0 ? bits : null;
    }

    [GeneratedRegex(@"\btex:(?<tex>\d+) mv:(?<mv>\d+) misc:(?<misc>\d+)")]
    private static partial Regex FrameLine();
}
