namespace Flock.Hocon;

/// <summary>
/// A parsed and fully resolved configuration, or a sub-tree of one. Sub-trees remember where they sit
/// so errors name the full path (<c>flock.seed.port</c>), not just <c>port</c>.
/// </summary>
public sealed class HoconConfig
{
    private readonly HoconPath _location;

    private HoconConfig(HoconObject root, HoconPath location)
    {
        Root = root;
        _location = location;
    }

    public static HoconConfig Empty { get; } = new(new HoconObject(null), HoconPath.Root);

    /// <summary>The object this configuration wraps.</summary>
    public HoconObject Root { get; }

    /// <summary>Path of this sub-tree in the document it came from; empty for a whole document.</summary>
    public string Location => _location.Text;

    /// <summary>The keys of this object, in order of first appearance.</summary>
    public IReadOnlyList<string> Keys => Root.Keys.ToList();

    /// <summary>Parses a document; includes are relative to the current directory.</summary>
    /// <param name="env">Environment lookup for substitutions; defaults to the process environment.</param>
    public static HoconConfig Parse(string text, Func<string, string?>? env = null)
        => FromText(text, file: null, Directory.GetCurrentDirectory(), env);

    /// <summary>Loads a file; includes are relative to its directory and errors carry its path.</summary>
    public static HoconConfig Load(string path, Func<string, string?>? env = null)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath)) throw new HoconException($"{path}: configuration file not found ({fullPath})");
        return FromText(File.ReadAllText(fullPath), path, System.IO.Path.GetDirectoryName(fullPath)!, env);
    }

    private static HoconConfig FromText(string text, string? file, string baseDirectory, Func<string, string?>? env)
    {
        var parsed = HoconParser.Parse(text, file, baseDirectory, HoconPath.Root, file is null ? [] : [System.IO.Path.GetFullPath(file)]);
        return new HoconConfig(HoconResolver.Resolve(parsed, env ?? Environment.GetEnvironmentVariable), HoconPath.Root);
    }

    /// <summary>True when the path exists and is not null.</summary>
    public bool HasPath(string path) => TryFind(path, throwOnNonObject: false) is { } value && value is not HoconScalar { IsNull: true };

    /// <summary>The value at the path, or null when it is missing.</summary>
    public HoconValue? GetValue(string path) => TryFind(path, throwOnNonObject: true);

    public string GetString(string path) => HoconConvert.ToText(Require(path), FullPath(path));

    public string? GetString(string path, string? fallback) => Optional(path) is { } v ? HoconConvert.ToText(v, FullPath(path)) : fallback;

    public int GetInt(string path) => HoconConvert.ToInt(Require(path), FullPath(path));

    public int GetInt(string path, int fallback) => Optional(path) is { } v ? HoconConvert.ToInt(v, FullPath(path)) : fallback;

    public long GetLong(string path) => HoconConvert.ToLong(Require(path), FullPath(path));

    public long GetLong(string path, long fallback) => Optional(path) is { } v ? HoconConvert.ToLong(v, FullPath(path)) : fallback;

    public double GetDouble(string path) => HoconConvert.ToDouble(Require(path), FullPath(path));

    public double GetDouble(string path, double fallback) => Optional(path) is { } v ? HoconConvert.ToDouble(v, FullPath(path)) : fallback;

    public bool GetBool(string path) => HoconConvert.ToBool(Require(path), FullPath(path));

    public bool GetBool(string path, bool fallback) => Optional(path) is { } v ? HoconConvert.ToBool(v, FullPath(path)) : fallback;

    public TimeSpan GetTimeSpan(string path) => HoconConvert.ToTimeSpan(Require(path), FullPath(path));

    public TimeSpan GetTimeSpan(string path, TimeSpan fallback) => Optional(path) is { } v ? HoconConvert.ToTimeSpan(v, FullPath(path)) : fallback;

    /// <summary>Reads a byte size such as <c>64MiB</c> as a number of bytes.</summary>
    public long GetByteSize(string path) => HoconConvert.ToByteSize(Require(path), FullPath(path));

    public long GetByteSize(string path, long fallback) => Optional(path) is { } v ? HoconConvert.ToByteSize(v, FullPath(path)) : fallback;

    public IReadOnlyList<string> GetStringList(string path) => HoconConvert.ToStringList(Require(path), FullPath(path));

    public IReadOnlyList<string> GetStringList(string path, IReadOnlyList<string> fallback)
        => Optional(path) is { } v ? HoconConvert.ToStringList(v, FullPath(path)) : fallback;

    /// <summary>The object at the path; an empty configuration when it is missing, so optional sections need no checks.</summary>
    public HoconConfig GetConfig(string path)
    {
        var location = _location.Append(HoconPath.Parse(path));
        return Optional(path) switch
        {
            null => new HoconConfig(new HoconObject(null), location),
            HoconObject obj => new HoconConfig(obj, location),
            var other => throw HoconConvert.WrongType(other, location.Text, "an object"),
        };
    }

    /// <summary>Combines two configurations; values in this one win and objects merge deeply.</summary>
    public HoconConfig WithFallback(HoconConfig other)
        => new(HoconMerge.MergeResolved(Root, other.Root), _location);

    private string FullPath(string path) => _location.Append(HoconPath.Parse(path)).Text;

    private HoconValue Require(string path)
        => Optional(path) ?? throw HoconException.At(null, $"missing key '{FullPath(path)}'", FullPath(path));

    private HoconValue? Optional(string path)
        => TryFind(path, throwOnNonObject: true) is { } value && value is not HoconScalar { IsNull: true } ? value : null;

    private HoconValue? TryFind(string path, bool throwOnNonObject)
    {
        var parsed = HoconPath.Parse(path);
        HoconValue current = Root;
        for (var i = 0; i < parsed.Count; i++)
        {
            if (current is not HoconObject obj)
            {
                if (!throwOnNonObject) return null;
                throw HoconConvert.WrongType(current, _location.Append(parsed.Take(i)).Text, "an object");
            }
            if (!obj.TryGetValue(parsed.Segments[i], out var next)) return null;
            current = next;
        }
        return current;
    }
}
