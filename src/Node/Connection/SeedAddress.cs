namespace Flock.Node.Connection;

/// <summary>Turns what a user types (HOST:PORT or a full URL) into the seed's HTTP base address.</summary>
public static class SeedAddress
{
    public static Uri Parse(string text)
    {
        var t = text.Trim();
        if (!t.Contains("://", StringComparison.Ordinal)) t = "http://" + t;
        if (!Uri.TryCreate(t, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"not a seed address: '{text.Trim()}' (expected HOST:PORT or http(s)://HOST:PORT)");
        return new UriBuilder(uri) { Path = "/" }.Uri;
    }

    /// <summary>
    /// The seed members a node may reach, comma-separated, in the order they are tried; each entry as <see cref="Parse"/>
    /// takes it, with whether its scheme was typed (then no TLS probing happens for it).
    /// </summary>
    /// <exception cref="ArgumentException">an entry is empty or not an address: the message names it.</exception>
    public static IReadOnlyList<(Uri Address, bool SchemeGiven)> ParseList(string text)
    {
        var entries = text.Split(',', StringSplitOptions.TrimEntries);
        var parsed = new List<(Uri, bool)>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            if (entries[i].Length == 0)
                throw new ArgumentException(entries.Length == 1
                    ? "no seed address given (expected HOST:PORT or http(s)://HOST:PORT)"
                    : $"seed address {i + 1} of '{text.Trim()}' is empty (expected HOST:PORT[,HOST:PORT...])");
            parsed.Add((Parse(entries[i]), entries[i].Contains("://", StringComparison.Ordinal)));
        }
        return parsed;
    }
}
