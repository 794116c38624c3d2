using System.Globalization;

namespace Flock.Messages.Chunks;

/// <summary>
/// How a node tells the seed, on each source request, which bytes its chunk needs: `?media=S&amp;span=S-E`. The seed only uses it to cut responses short, never to refuse: a node may read
/// all of the source anyway.
/// </summary>
public static class SourceByteQuery
{
    public static string Format(SourceByteSpan span) => string.Create(CultureInfo.InvariantCulture,
        $"media={span.MediaStart}&span={span.Start}-{span.End}");

    /// <summary>The span the two query values describe; null when either is missing or not well formed.</summary>
    public static SourceByteSpan? Parse(string? media, string? span)
    {
        if (!long.TryParse(media, NumberStyles.None, CultureInfo.InvariantCulture, out var mediaStart)) return null;
        var dash = span?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        if (dash <= 0) return null;
        if (!long.TryParse(span.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var start)) return null;
        if (!long.TryParse(span.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var end)) return null;
        return start <= end && mediaStart <= start ? new SourceByteSpan(mediaStart, start, end) : null;
    }
}
