using System.Globalization;

namespace Flock.Hocon;

/// <summary>
/// Reads resolved values as .NET types. Shared by the getters and the binder so both report the same
/// "'path' should be X but is Y" message.
/// </summary>
internal static class HoconConvert
{
    public static HoconException WrongType(HoconValue value, string path, string expected)
        => HoconException.At(value.Origin, $"'{path}' should be {expected} but is {value.Describe()}", path);

    public static string ToText(HoconValue value, string path, string expected = "a string")
        => value is HoconScalar { Value: { } text } ? text : throw WrongType(value, path, expected);

    public static int ToInt(HoconValue value, string path)
        => int.TryParse(ToText(value, path, "an int"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw WrongType(value, path, "an int");

    public static long ToLong(HoconValue value, string path)
        => long.TryParse(ToText(value, path, "a long"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw WrongType(value, path, "a long");

    public static double ToDouble(HoconValue value, string path)
        => double.TryParse(ToText(value, path, "a number"), NumberStyles.Float, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw WrongType(value, path, "a number");

    public static bool ToBool(HoconValue value, string path)
        => ToText(value, path, "a boolean").ToLowerInvariant() switch
        {
            "true" or "on" or "yes" => true,
            "false" or "off" or "no" => false,
            _ => throw WrongType(value, path, "a boolean (true/false, on/off, yes/no)"),
        };

    public static TimeSpan ToTimeSpan(HoconValue value, string path)
        => Durations.TryParse(ToText(value, path, "a duration"), out var result)
            ? result
            : throw WrongType(value, path, "a duration such as 5s, 100ms or 2m");

    public static long ToByteSize(HoconValue value, string path)
        => ByteSizes.TryParse(ToText(value, path, "a byte size"), out var result)
            ? result
            : throw WrongType(value, path, "a byte size such as 512k, 64MiB or 10GB");

    public static List<string> ToStringList(HoconValue value, string path)
    {
        if (value is not HoconArray array) throw WrongType(value, path, "a list of strings");
        var result = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
            result.Add(ToText(array[i], $"{path}[{i}]"));
        return result;
    }
}
