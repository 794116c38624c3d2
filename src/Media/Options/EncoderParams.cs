namespace Flock.Media.Options;

/// <summary>
/// An encoder's own parameter string in the video options (<c>-x265-params a=1:b=2</c>, <c>-svtav1-params</c>...):
/// finding it, the names it sets, and adding to it without overriding what the user set.
/// </summary>
public static class EncoderParams
{
    /// <summary>Where <paramref name="key"/> (or its per-stream form <c>key:v</c>, <c>key:v:0</c>) stands; -1 when absent.</summary>
    public static int IndexOf(IReadOnlyList<string> video, string key)
    {
        for (var i = 0; i + 1 < video.Count; i += 2)
        {
            var k = video[i];
            if (k == key || (k.StartsWith(key + ":", StringComparison.Ordinal) && k[(key.Length + 1)..] is "v" or "V" or "v:0" or "V:0")) return i;
        }
        return -1;
    }

    /// <summary>The parameter names <paramref name="key"/>'s string sets (case-insensitive); empty when it is absent.</summary>
    public static HashSet<string> Names(IReadOnlyList<string> video, string key) =>
        IndexOf(video, key) is var at and >= 0
            ? video[at + 1].Split(':', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)[0].Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Appends <paramref name="parameters"/> (<c>name=value</c>) to <paramref name="key"/>'s string, or adds the key.</summary>
    public static void Append(List<string> video, string key, IReadOnlyList<string> parameters)
    {
        if (parameters.Count == 0) return;
        var at = IndexOf(video, key);
        var given = at >= 0 ? video[at + 1] : "";
        var merged = string.Join(':', given.Length > 0 ? [given.TrimEnd(':'), .. parameters] : parameters);
        if (at >= 0) video[at + 1] = merged;
        else video.AddRange([key, merged]);
    }
}
