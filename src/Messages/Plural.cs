using System.Globalization;

namespace Flock.Messages;

/// <summary>A count with its noun in the right number: "1 job", "2 jobs", "0 chunks".</summary>
public static class Plural
{
    public static string Of(long count, string noun, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {Noun(count, noun, plural)}");

    /// <summary>Just the noun, for "3/1 chunk"-style phrases whose number sits elsewhere.</summary>
    public static string Noun(long count, string noun, string? plural = null) => count == 1 ? noun : plural ?? noun + "s";
}
