namespace Flock.Node.Connection;

/// <summary>Turns what a user types (HOST:PORT or a full URL) into the seed's HTTP base address.</summary>
public static class SeedAddress
{
    public static Uri Parse(string text)
    {
        var t = text.Trim();
        if (!t.Contains("://", StringComparison.Ordinal)) t = "http://" + t;
        if (!Uri.TryCreate(t, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"not a seed address: '{text}' (expected HOST:PORT or http(s)://HOST:PORT)");
        return new UriBuilder(uri) { Path = "/" }.Uri;
    }
}
