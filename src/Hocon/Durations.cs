using System.Globalization;

namespace Flock.Hocon;

/// <summary>
/// Parses HOCON durations (<c>5s</c>, <c>250 ms</c>, <c>1.5h</c>). A bare number means milliseconds,
/// matching Lightbend's getDuration, so <c>timeout = 500</c> keeps working.
/// </summary>
public static class Durations
{
    private static readonly Dictionary<string, decimal> TicksPerUnit = BuildUnits();

    public static TimeSpan Parse(string text)
        => TryParse(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a duration (expected a number with a unit such as ns, us, ms, s, m, h or d)");

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (!UnitNumber.TrySplit(text, out var number, out var unit)) return false;
        if (!TicksPerUnit.TryGetValue(unit, out var factor)) return false;
        try
        {
            var ticks = Math.Round(number * factor, MidpointRounding.AwayFromZero);
            if (ticks > TimeSpan.MaxValue.Ticks || ticks < TimeSpan.MinValue.Ticks) return false;
            value = TimeSpan.FromTicks((long)ticks);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static Dictionary<string, decimal> BuildUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase) { [""] = TimeSpan.TicksPerMillisecond };
        Add(0.01m, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
        Add(TimeSpan.TicksPerMicrosecond, "us", "µs", "micro", "micros", "microsecond", "microseconds");
        Add(TimeSpan.TicksPerMillisecond, "ms", "milli", "millis", "millisecond", "milliseconds");
        Add(TimeSpan.TicksPerSecond, "s", "second", "seconds");
        Add(TimeSpan.TicksPerMinute, "m", "minute", "minutes");
        Add(TimeSpan.TicksPerHour, "h", "hour", "hours");
        Add(TimeSpan.TicksPerDay, "d", "day", "days");
        return units;

        void Add(decimal ticks, params string[] names)
        {
            foreach (var name in names) units[name] = ticks;
        }
    }
}

/// <summary>Splits "1.5 GiB" into its number and unit; shared by durations and byte sizes.</summary>
internal static class UnitNumber
{
    public static bool TrySplit(string? text, out decimal number, out string unit)
    {
        number = 0;
        unit = "";
        if (text is null) return false;
        var s = text.Trim();
        var end = 0;
        if (end < s.Length && s[end] is '+' or '-') end++;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.')) end++;
        unit = s[end..].Trim();
        return decimal.TryParse(s.AsSpan(0, end), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number);
    }
}
