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

    /// <summary>
    /// One address, or several seed members' comma-separated (`a:9110,b:9110`), in the order pbm tries them.
    /// </summary>
    /// <exception cref="PbmException">an entry is empty or no address; the message names it.</exception>
    public static IReadOnlyList<SeedTarget> ParseList(string text)
    {
        var entries = text.Split(',', StringSplitOptions.TrimEntries);
        if (entries.Length == 1)
        {
            return [new SeedTarget(Parse(text), text.Contains("://", StringComparison.Ordinal))];
        }

        var targets = new List<SeedTarget>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            if (entries[i].Length == 0)
            {
                throw new PbmException($"seed address {i + 1} of '{text.Trim()}' is empty (expected HOST:PORT[,HOST:PORT...])", PbmExitCodes.Usage);
            }

            if (!TryParse(entries[i], out var uri))
            {
                throw new PbmException(
                    $"invalid seed address '{entries[i]}' in '{text.Trim()}' (expected HOST:PORT or an http(s):// URL for each)", PbmExitCodes.Usage);
            }

            targets.Add(new SeedTarget(uri, entries[i].Contains("://", StringComparison.Ordinal)));
        }

        return targets;
    }

    /// <summary>How the address reads in messages: the URL without the trailing slash.</summary>
    public static string Display(Uri uri) => uri.AbsoluteUri.TrimEnd('/');

    /// <summary>Whether a leading pbm token names a seed rather than a palette.</summary>
    public static bool LooksLikeAddress(string token) =>
        token.Contains(':', StringComparison.Ordinal) || token.Contains('.', StringComparison.Ordinal)
        || token.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        // No palette or verb has a comma: a list of seed members, even of bare host names (ParseList judges each).
        || token.Contains(',', StringComparison.Ordinal);

    private static bool HasExplicitPort(string hostPort)
    {
        // "[::1]:80", "host:80" -> explicit; "[::1]", "host" -> not.
        var close = hostPort.LastIndexOf(']');
        var colon = hostPort.LastIndexOf(':');
        return colon > close;
    }
}

/// <summary>One seed member pbm may use, and whether its scheme was typed (then no TLS probing happens for it).</summary>
public sealed record SeedTarget(Uri Address, bool SchemeGiven);
