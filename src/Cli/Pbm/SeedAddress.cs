using Flock.Messages;

namespace Flock.Cli.Pbm;

/// <summary>
/// The seed pbm talks to: `HOST:PORT` (meaning http://HOST:PORT), a bare `HOST` (default port), or a full
/// `http://` / `https://` URL. The default is 127.0.0.1:<see cref="Protocol.DefaultPort"/>.
/// </summary>
public static class SeedAddress
{
    public static readonly Uri Default = new($"http://127.0.0.1:{Protocol.DefaultPort}/");

    /// <summary>Parses an address; the result always ends with '/' so relative API paths resolve below it.</summary>
    public static bool TryParse(string? text, out Uri uri)
    {
        uri = Default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var hasScheme = text.Contains("://", StringComparison.Ordinal);
        if (hasScheme && !text.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                      && !text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var candidate = hasScheme ? text : "http://" + text;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host)
            || !string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.Fragment)
            || !string.IsNullOrEmpty(parsed.UserInfo))
        {
            return false;
        }

        if (!hasScheme && parsed.AbsolutePath != "/")
        {
            return false; // "host:port/path" without a scheme is more likely a typo than intent
        }

        var builder = new UriBuilder(parsed);
        if (!hasScheme && parsed.IsDefaultPort && !HasExplicitPort(text))
        {
            builder.Port = Protocol.DefaultPort;
        }

        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        uri = builder.Uri;
        return true;
    }

    public static Uri Parse(string text) =>
        TryParse(text, out var uri)
            ? uri
            : throw new PbmException($"invalid seed address '{text}' (expected HOST:PORT or an http(s):// URL)", PbmExitCodes.Usage);

    /// <summary>How the address reads in messages: the URL without the trailing slash.</summary>
    public static string Display(Uri uri) => uri.AbsoluteUri.TrimEnd('/');

    /// <summary>Whether a leading pbm token names a seed rather than a palette.</summary>
    public static bool LooksLikeAddress(string token) =>
        token.Contains(':', StringComparison.Ordinal) || token.Contains('.', StringComparison.Ordinal)
        || token.Equals("localhost", StringComparison.OrdinalIgnoreCase);

    private static bool HasExplicitPort(string hostPort)
    {
        // "[::1]:80", "host:80" -> explicit; "[::1]", "host" -> not.
        var close = hostPort.LastIndexOf(']');
        var colon = hostPort.LastIndexOf(':');
        return colon > close;
    }
}
