using System.Globalization;

namespace Flock.Media.Probing;

/// <summary>A stream's time base; timestamps are kept as integers in it so that no rounding ever moves a frame.</summary>
public readonly record struct TimeBase(long Numerator, long Denominator)
{
    public double ToSeconds(long ticks) => (double)ticks * Numerator / Denominator;

    /// <summary>Seconds rounded to whole microseconds, the precision of ffmpeg's time options.</summary>
    public string ToSecondsText(long ticks) =>
        (Math.Round((decimal)ticks * Numerator / Denominator, 6)).ToString("0.000000", CultureInfo.InvariantCulture);

    public override string ToString() => $"{Numerator}/{Denominator}";

    public static TimeBase Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var d)
            || n <= 0 || d <= 0)
            throw new FormatException($"not a time base: '{text}'");
        return new TimeBase(n, d);
    }
}
