namespace Flock.Hocon;

/// <summary>
/// Parses byte sizes the way Lightbend HOCON does: single letters and "i" units are powers of 1024
/// (<c>512k</c>, <c>64MiB</c>) while "B" units with an SI prefix are powers of 1000 (<c>10GB</c>).
/// Units are case-sensitive because <c>kB</c> and <c>KiB</c> differ.
/// </summary>
public static class ByteSizes
{
    private static readonly Dictionary<string, decimal> BytesPerUnit = BuildUnits();

    public static long Parse(string text)
        => TryParse(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a byte size (expected a non-negative number with an optional unit such as B, KiB, MiB, GiB, kB, MB or GB)");

    public static bool TryParse(string? text, out long value)
    {
        value = 0;
        if (!UnitNumber.TrySplit(text, out var number, out var unit)) return false;
        if (number < 0 || !BytesPerUnit.TryGetValue(unit, out var factor)) return false;
        try
        {
            // Fractions of a byte are dropped, as Lightbend does.
            var bytes = decimal.Truncate(number * factor);
            if (bytes > long.MaxValue) return false;
            value = (long)bytes;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static Dictionary<string, decimal> BuildUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal)
        {
            [""] = 1, ["B"] = 1, ["b"] = 1, ["byte"] = 1, ["bytes"] = 1,
        };
        string[] letters = ["K", "M", "G", "T", "P", "E"];
        string[] binaryNames = ["kibi", "mebi", "gibi", "tebi", "pebi", "exbi"];
        string[] decimalNames = ["kilo", "mega", "giga", "tera", "peta", "exa"];
        decimal binary = 1, si = 1;
        for (var i = 0; i < letters.Length; i++)
        {
            binary *= 1024;
            si *= 1000;
            var letter = letters[i];
            foreach (var name in new[] { letter, letter.ToLowerInvariant(), letter + "i", letter + "iB", binaryNames[i] + "byte", binaryNames[i] + "bytes" })
                units[name] = binary;
            foreach (var name in new[] { letter + "B", decimalNames[i] + "byte", decimalNames[i] + "bytes" })
                units[name] = si;
        }
        units["kB"] = 1000;
        return units;
    }
}
