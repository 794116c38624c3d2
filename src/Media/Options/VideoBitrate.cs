using System.Globalization;
using Flock.Media.Processes;

namespace Flock.Media.Options;

/// <summary>
/// A bitrate target in the video options (<c>-b:v 500k</c>): what a whole file must average, which chunks encoded
/// each with the same number miss (every encoder's one-pass rate control undershoots on a few seconds, and a single
/// machine spends more on busy scenes than on calm ones). The seed gives each chunk its own number instead.
/// </summary>
public static class VideoBitrate
{
    private static readonly HashSet<string> BitrateKeys = ["-b:v", "-b:V", "-b:v:0", "-b:V:0", "-b"];

    /// <summary>Options that make the encoder aim at a quality, not a bitrate (then -b:v is only a cap or ignored).</summary>
    private static readonly HashSet<string> QualityKeys = ["-crf", "-qp", "-q:v", "-q", "-qscale:v", "-qscale", "-cq", "-lossless"];

    /// <summary>The target in bits per second, or null when the options do not aim at a bitrate.</summary>
    public static long? TargetOf(IReadOnlyList<string> videoOptions)
    {
        long? target = null;
        for (var i = 0; i + 1 < videoOptions.Count; i += 2)
        {
            if (QualityKeys.Contains(videoOptions[i])) return null;
            if (BitrateKeys.Contains(videoOptions[i])) target = Parse(videoOptions[i + 1]);
        }
        return target is > 0 ? target : null;
    }

    /// <summary>The -maxrate cap in bits per second, if one is given.</summary>
    public static long? MaxRateOf(IReadOnlyList<string> videoOptions)
    {
        long? cap = null;
        for (var i = 0; i + 1 < videoOptions.Count; i += 2)
            if (videoOptions[i] is "-maxrate" or "-maxrate:v") cap = Parse(videoOptions[i + 1]);
        return cap is > 0 ? cap : null;
    }

    /// <summary>The same options with the bitrate target set to <paramref name="bitsPerSecond"/>.</summary>
    public static IReadOnlyList<string> WithTarget(IReadOnlyList<string> videoOptions, long bitsPerSecond)
    {
        var result = videoOptions.ToList();
        for (var i = 0; i + 1 < result.Count; i += 2)
            if (BitrateKeys.Contains(result[i])) result[i + 1] = bitsPerSecond.ToString(CultureInfo.InvariantCulture);
        return result;
    }

    /// <summary>The same options without the bitrate target.</summary>
    public static IReadOnlyList<string> WithoutTarget(IReadOnlyList<string> videoOptions)
    {
        var result = new List<string>();
        for (var i = 0; i + 1 < videoOptions.Count; i += 2)
            if (!BitrateKeys.Contains(videoOptions[i])) result.AddRange([videoOptions[i], videoOptions[i + 1]]);
        return result;
    }

    /// <summary>ffmpeg's number syntax for rates: 500k, 1.5M, 2000000, 1Ki (1024), a trailing B for bytes.</summary>
    public static long Parse(string value)
    {
        var text = value.Trim();
        var bytes = text.EndsWith('B');
        if (bytes) text = text[..^1];
        var binary = text.EndsWith('i');
        if (binary) text = text[..^1];
        var multiplier = 1.0;
        if (text.Length > 0 && char.IsAsciiLetter(text[^1]))
        {
            multiplier = char.ToUpperInvariant(text[^1]) switch
            {
                'K' => binary ? 1024 : 1e3,
                'M' => binary ? 1024.0 * 1024 : 1e6,
                'G' => binary ? 1024.0 * 1024 * 1024 : 1e9,
                _ => throw new MediaException($"bitrate '{value}' is not a number ffmpeg reads (500k, 1.5M, 2000000)"),
            };
            text = text[..^1];
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number < 0)
            throw new MediaException($"bitrate '{value}' is not a number ffmpeg reads (500k, 1.5M, 2000000)");
        return (long)Math.Round(number * multiplier * (bytes ? 8 : 1));
    }
}
