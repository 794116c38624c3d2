using System.Text.RegularExpressions;

namespace Flock.Tests.Integration.Services;

/// <summary>
/// One of deploy/systemd's unit files read as systemd reads the parts Flock relies on: Environment=, EnvironmentFile
/// contents, ExecStart= with ${VAR} expansion, and the directories systemd creates for the service.
/// </summary>
public sealed partial class SystemdUnit
{
    private readonly List<(string Key, string Value)> _entries = [];

    private SystemdUnit(string path)
    {
        Path = path;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';' or '[') continue;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) _entries.Add((line[..eq].Trim(), line[(eq + 1)..].Trim()));
        }
    }

    public string Path { get; }

    public static SystemdUnit Load(string path) => new(path);

    public IReadOnlyList<string> Values(string key) => _entries.Where(e => e.Key == key).Select(e => e.Value).ToList();

    public string? Value(string key) => Values(key).LastOrDefault();

    /// <summary>Environment= assignments (one per line in Flock's units), in order.</summary>
    public Dictionary<string, string> Environment()
    {
        var env = new Dictionary<string, string>();
        foreach (var v in Values("Environment"))
        {
            var eq = v.IndexOf('=', StringComparison.Ordinal);
            env[v[..eq]] = v[(eq + 1)..].Trim('"');
        }
        return env;
    }

    /// <summary>The lines of an EnvironmentFile (KEY=VALUE; blank lines and comments skipped).</summary>
    public static Dictionary<string, string> ParseEnvironmentFile(string text)
    {
        var env = new Dictionary<string, string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException($"not an environment file line: '{line}'");
            env[line[..eq].Trim()] = line[(eq + 1)..].Trim().Trim('"');
        }
        return env;
    }

    /// <summary>ExecStart split into words, with ${VAR} and $VAR replaced as systemd does (an unset variable becomes empty).</summary>
    public IReadOnlyList<string> ExecStart(IReadOnlyDictionary<string, string> env) =>
        Word().Matches(Value("ExecStart")!)
            .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            .Select(word => Variable().Replace(word, m => env.GetValueOrDefault(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, "")))
            .ToList();

    // A "double-quoted" word (as ./flock install writes paths that may hold spaces) or a bare one.
    [GeneratedRegex("\"([^\"]*)\"|(\\S+)")]
    private static partial Regex Word();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();
}
