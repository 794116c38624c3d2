using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using Akka.Configuration.Hocon;

namespace Flock.Configuration;

/// <summary>
/// Fills option classes from Akka's HOCON: `heartbeat-interval` sets `HeartbeatInterval`. A key without a matching
/// property is an error, because a misspelt key would otherwise leave a default in place without anyone noticing.
/// </summary>
internal static class ConfigBinder
{
    public static void BindObject(HoconObject obj, Type type, object instance, string path, LayeredConfig config)
    {
        var properties = BindableProperties(type);
        foreach (var (key, value) in obj.Items)
        {
            var keyPath = $"{path}.{key}";
            if (!properties.TryGetValue(Normalize(key), out var property))
                throw new ConfigException($"{config.SourceOf(keyPath)}: unknown key '{keyPath}'{Suggestion(key, properties.Values.Select(p => Kebab(p.Name)))}");
            BindProperty(instance, property, value, keyPath, config);
        }
    }

    private static void BindProperty(object instance, PropertyInfo property, HoconValue value, string path, LayeredConfig config)
    {
        var type = property.PropertyType;
        if (IsOptionsClass(type))
        {
            if (!value.IsObject()) throw WrongType(value, path, $"an object ({Kebab(type.Name)})", config);
            // Binding into the existing instance keeps defaults set by the parent's initializer.
            var target = property.GetValue(instance) ?? Activator.CreateInstance(type)!;
            BindObject(value.GetObject(), type, target, path, config);
            if (property.SetMethod is { IsPublic: true }) property.SetValue(instance, target);
            return;
        }
        property.SetValue(instance, Convert(value, property, path, config));
    }

    private static object? Convert(HoconValue value, PropertyInfo property, string path, LayeredConfig config)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (type == typeof(List<string>) || type == typeof(string[]))
        {
            if (!IsList(value)) throw WrongType(value, path, "a list of strings", config);
            var list = Elements(value).Select((item, i) => item.IsString() && item.GetString() is { } s ? s : throw WrongType(item, $"{path}[{i}]", "a string", config)).ToList();
            return type == typeof(string[]) ? list.ToArray() : list;
        }
        if (!value.IsString()) throw WrongType(value, path, Expected(property), config);
        if (value.GetString() is not { } text)
        {
            // `null`: only for properties that can hold it.
            return Nullable.GetUnderlyingType(property.PropertyType) is not null || new NullabilityInfoContext().Create(property).WriteState != NullabilityState.NotNull
                ? null
                : throw WrongType(value, path, Expected(property), config);
        }
        var byteSize = property.Name.EndsWith("Bytes", StringComparison.Ordinal) || property.IsDefined(typeof(ByteSizeAttribute));
        if (type == typeof(string)) return text;
        if (byteSize && (type == typeof(long) || type == typeof(int)))
        {
            long? bytes;
            try { bytes = value.GetByteSize(); }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException) { bytes = null; }
            if (bytes is not >= 0 || (type == typeof(int) && bytes > int.MaxValue)) throw WrongType(value, path, Expected(property), config);
            return type == typeof(int) ? (int)bytes.Value : bytes.Value;
        }
        if (type == typeof(int) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i32)) return i32;
        if (type == typeof(long) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i64)) return i64;
        if (type == typeof(double) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)) return number;
        if (type == typeof(bool))
        {
            switch (text.ToLowerInvariant())
            {
                case "true" or "on" or "yes": return true;
                case "false" or "off" or "no": return false;
            }
        }
        if (type == typeof(TimeSpan))
        {
            TimeSpan? duration;
            try { duration = value.GetTimeSpan(allowInfinite: false); }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException) { duration = null; }
            if (duration is { } d && d >= TimeSpan.Zero) return d;
        }
        if (type != typeof(int) && type != typeof(long) && type != typeof(double) && type != typeof(bool) && type != typeof(TimeSpan))
            throw new ConfigException($"cannot bind '{path}': property type {type.Name} is not supported");
        throw WrongType(value, path, Expected(property), config);
    }

    private static string Expected(PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (property.Name.EndsWith("Bytes", StringComparison.Ordinal) || property.IsDefined(typeof(ByteSizeAttribute))) return "a byte size such as 512k, 64MiB or 10GB";
        if (type == typeof(string)) return "a string";
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(double)) return "a number";
        if (type == typeof(bool)) return "a boolean (true/false, on/off, yes/no)";
        if (type == typeof(TimeSpan)) return "a duration such as 5s, 250ms or 2m";
        return $"a {type.Name}";
    }

    private static ConfigException WrongType(HoconValue value, string path, string expected, LayeredConfig config) =>
        new($"{config.SourceOf(path)}: '{path}' should be {expected} but is {Describe(value)}");

    internal static string Describe(HoconValue value)
    {
        if (value.IsObject()) return "an object";
        if (IsList(value)) return "a list";
        if (value.IsString()) return value.GetString() is { } text ? $"'{text}'" : "null";
        return "empty";
    }

    // Akka's IsArray() is false for an empty list: `[]` holds an empty HoconArray, sometimes beside a whitespace literal
    // (`x = [] }`), or nothing once merged over another `[]`.
    private static bool IsList(HoconValue value) =>
        value.IsArray() || value.Values.All(v => v is HoconArray || (v is HoconLiteral l && string.IsNullOrWhiteSpace(l.Value)));

    private static IEnumerable<HoconValue> Elements(HoconValue value) => value.IsArray() ? value.GetArray() : value.Values.OfType<HoconArray>().SelectMany(a => a);

    private static bool IsOptionsClass(Type type) => type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    private static Dictionary<string, PropertyInfo> BindableProperties(Type type)
    {
        var result = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            var settable = property.SetMethod is { IsPublic: true };
            var fillable = property.GetMethod is { IsPublic: true } && IsOptionsClass(property.PropertyType);
            if (settable || fillable) result.TryAdd(Normalize(property.Name), property);
        }
        return result;
    }

    // Comparing without dashes, underscores or case lets kebab-case, camelCase and PascalCase keys all match.
    private static string Normalize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is not ('-' or '_')) sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    internal static string Kebab(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                var previous = name[i - 1];
                var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && nextIsLower)) sb.Append('-');
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>" (did you mean 'port'?)" when a known name is a few edits away, else nothing.</summary>
    internal static string Suggestion(string key, IEnumerable<string> known)
    {
        var best = known
            .Select(name => (Name: name, Distance: Distance(key.ToLowerInvariant(), name)))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, key.Length / 3) ? $" (did you mean '{best.Name}'?)" : "";
    }

    // Optimal string alignment distance: like Levenshtein but a swapped pair ("prot"/"port") costs one edit.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
