using System.Reflection;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Flock.Configuration;

/// <summary>
/// A program's defaults (a .conf embedded in its assembly, so an installed binary needs no source tree) with the
/// user's file over them, read by Akka's HOCON. Only two sections may appear at the root: `flock`, which Flock binds
/// and checks strictly, and `akka`, which is Akka's own and handed on as it is.
/// </summary>
public sealed class LayeredConfig
{
    /// <summary>Root sections a file may have; anything else is a typo.</summary>
    public static readonly IReadOnlyList<string> RootSections = ["flock", "akka"];

    private readonly Config? _user;

    private LayeredConfig(Config merged, Config? user, string userName, string defaultsName)
    {
        Merged = merged;
        _user = user;
        UserName = userName;
        DefaultsName = defaultsName;
    }

    /// <summary>Everything, the user's file over the defaults: Akka settings are read from here (`akka.*`).</summary>
    public Config Merged { get; }

    /// <summary>
    /// What Akka is handed when the files carry an `akka { }` section (only the user's file can: the defaults have
    /// none), else null. The `flock` root rides along; Akka reads no key under it.
    /// </summary>
    public Config? AkkaSection => Merged.HasPath("akka") ? Merged : null;

    public string UserName { get; }

    public string DefaultsName { get; }

    public static LayeredConfig Load(Assembly assembly, string embeddedName, string? userFile, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        using var stream = assembly.GetManifestResourceStream(embeddedName)
            ?? throw new InvalidOperationException($"embedded {embeddedName} missing from {assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        var defaultsName = $"{embeddedName} (built in)";
        var defaults = Parse(reader.ReadToEnd(), defaultsName, env);
        if (userFile is null) return Checked(new LayeredConfig(defaults, null, defaultsName, defaultsName));
        string text;
        try
        {
            text = File.ReadAllText(userFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{userFile}: cannot read: {e.Message}", e);
        }
        var user = Parse(text, userFile, env);
        return Checked(new LayeredConfig(user.WithFallback(defaults), user, userFile, defaultsName));
    }

    /// <summary>One HOCON text with its environment variables put in, read by Akka; any failure names the source.</summary>
    public static Config Parse(string text, string source, Func<string, string?> env)
    {
        var substituted = EnvironmentSubstitution.Apply(text, source, env);
        BracketCheck.Check(substituted, source);
        try
        {
            return ConfigurationFactory.ParseString(substituted);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Akka's parser reports with several exception types and multi-line messages; the first line is the reason.
            throw new ConfigException($"{source}: {e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? e.GetType().Name}", e);
        }
    }

    /// <summary>The file a key was set in: the user's if it has it, else the built-in defaults.</summary>
    public string SourceOf(string path)
    {
        try
        {
            // A list element (`media-roots[1]`) comes from where its list does.
            var bracket = path.IndexOf('[');
            return _user is not null && _user.HasPath(bracket < 0 ? path : path[..bracket]) ? UserName : DefaultsName;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return UserName;
        }
    }

    /// <summary>
    /// Binds `flock.{section}` onto a new <typeparamref name="T"/>; every key must be a property of it. A missing
    /// section leaves the code's defaults.
    /// </summary>
    public T Bind<T>(string section) where T : new()
    {
        var path = $"flock.{section}";
        var options = new T();
        if (Object(path) is { } obj) ConfigBinder.BindObject(obj, typeof(T), options, path, this);
        return options;
    }

    /// <summary>
    /// Every key directly under `flock` must be one of <paramref name="sections"/>: the ones this program reads, and
    /// the ones it knows belong to the other program (so one file can serve a seed and a node).
    /// </summary>
    public void CheckFlockSections(params string[] sections)
    {
        if (Object("flock") is not { } flock) return;
        foreach (var key in flock.Items.Keys)
        {
            if (!sections.Contains(key, StringComparer.Ordinal))
                throw new ConfigException($"{SourceOf($"flock.{key}")}: unknown key 'flock.{key}'{ConfigBinder.Suggestion(key, sections)}");
        }
    }

    private static LayeredConfig Checked(LayeredConfig config)
    {
        foreach (var key in config.Merged.Root.GetObject()?.Items.Keys ?? Enumerable.Empty<string>())
        {
            if (!RootSections.Contains(key, StringComparer.Ordinal))
                throw new ConfigException($"{config.SourceOf(key)}: unknown key '{key}'{ConfigBinder.Suggestion(key, RootSections)} (a file holds `flock {{ }}` and `akka {{ }}` sections only)");
        }
        if (config.Merged.Root.GetObject()?.Items.TryGetValue("flock", out var flock) == true && !flock.IsObject())
            throw new ConfigException($"{config.SourceOf("flock")}: 'flock' should be an object");
        return config;
    }

    private HoconObject? Object(string path)
    {
        HoconValue? value = Merged.Root;
        foreach (var segment in path.Split('.'))
        {
            if (value?.GetObject() is not { } obj || !obj.Items.TryGetValue(segment, out value)) return null;
        }
        if (value is null) return null;
        if (!value.IsObject()) throw new ConfigException($"{SourceOf(path)}: '{path}' should be an object but is {ConfigBinder.Describe(value)}");
        return value.GetObject();
    }
}
