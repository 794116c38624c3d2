using System.Collections;
using System.Reflection;
using System.Text;

namespace Flock.Hocon;

/// <summary>
/// Fills option classes from configuration: <c>heartbeat-interval</c> sets <c>HeartbeatInterval</c>.
/// Keys without a matching property are errors, because a misspelt key would otherwise leave a default
/// in place without anyone noticing.
/// </summary>
public static class HoconBinder
{
    public static T Bind<T>(this HoconConfig config) where T : new()
    {
        var instance = new T();
        BindObject(config.Root, typeof(T), instance, config.Location);
        return instance;
    }

    public static object Bind(this HoconConfig config, Type type)
    {
        var instance = Create(type, config.Location);
        BindObject(config.Root, type, instance, config.Location);
        return instance;
    }

    /// <summary>Binds onto an existing instance, keeping values the configuration does not mention.</summary>
    public static void BindTo(this HoconConfig config, object target)
        => BindObject(config.Root, target.GetType(), target, config.Location);

    private static object Create(Type type, string path)
    {
        if (type.GetConstructor(Type.EmptyTypes) is null && !type.IsValueType)
            throw HoconException.At(null, $"cannot bind '{path}' to {type.Name}: it has no public parameterless constructor", path);
        return Activator.CreateInstance(type)!;
    }

    private static void BindObject(HoconObject obj, Type type, object instance, string path)
    {
        var properties = BindableProperties(type);
        foreach (var (key, value) in obj)
        {
            var keyPath = Join(path, key);
            if (!properties.TryGetValue(Normalize(key), out var property))
                throw UnknownKey(key, keyPath, properties.Values, obj[key]);
            BindProperty(instance, property, value, keyPath);
        }
    }

    private static void BindProperty(object instance, PropertyInfo property, HoconValue value, string path)
    {
        var type = property.PropertyType;
        if (IsOptionsClass(type))
        {
            if (value is HoconScalar { IsNull: true } && IsNullable(property))
            {
                property.SetValue(instance, null);
                return;
            }
            if (value is not HoconObject obj) throw HoconConvert.WrongType(value, path, $"an object ({type.Name})");
            // Binding into the existing instance keeps defaults set by the parent's initializer.
            var existing = property.GetValue(instance);
            var target = existing ?? Create(type, path);
            BindObject(obj, type, target, path);
            if (!ReferenceEquals(existing, target)) SetValue(instance, property, target, path);
            return;
        }
        SetValue(instance, property, Convert(value, property, path), path);
    }

    private static void SetValue(object instance, PropertyInfo property, object? value, string path)
    {
        if (property.SetMethod is not { IsPublic: true })
            throw HoconException.At(null, $"cannot set '{path}': {property.DeclaringType?.Name}.{property.Name} has no public setter", path);
        property.SetValue(instance, value);
    }

    private static object? Convert(HoconValue value, PropertyInfo property, string path)
    {
        var type = property.PropertyType;
        var underlying = Nullable.GetUnderlyingType(type);
        if (value is HoconScalar { IsNull: true })
        {
            if (underlying is not null || IsNullable(property)) return null;
            throw HoconConvert.WrongType(value, path, Expected(type));
        }
        type = underlying ?? type;
        var byteSize = property.Name.EndsWith("Bytes", StringComparison.Ordinal) || property.IsDefined(typeof(ByteSizeAttribute));

        if (type == typeof(string)) return HoconConvert.ToText(value, path);
        if (type == typeof(long)) return byteSize ? HoconConvert.ToByteSize(value, path) : HoconConvert.ToLong(value, path);
        if (type == typeof(int))
        {
            if (!byteSize) return HoconConvert.ToInt(value, path);
            var bytes = HoconConvert.ToByteSize(value, path);
            return bytes <= int.MaxValue ? (int)bytes : throw HoconConvert.WrongType(value, path, "a byte size below 2GiB");
        }
        if (type == typeof(double)) return HoconConvert.ToDouble(value, path);
        if (type == typeof(bool)) return HoconConvert.ToBool(value, path);
        if (type == typeof(TimeSpan)) return HoconConvert.ToTimeSpan(value, path);
        if (type.IsEnum) return ToEnum(value, type, path);
        if (type == typeof(string[])) return HoconConvert.ToStringList(value, path).ToArray();
        if (type.IsAssignableFrom(typeof(List<string>))) return HoconConvert.ToStringList(value, path);
        throw HoconException.At(value.Origin, $"cannot bind '{path}': property type {type.Name} is not supported", path);
    }

    private static object ToEnum(HoconValue value, Type type, string path)
    {
        var text = HoconConvert.ToText(value, path, Expected(type));
        var wanted = Normalize(text);
        foreach (var name in Enum.GetNames(type))
        {
            if (Normalize(name) == wanted) return Enum.Parse(type, name);
        }
        throw HoconConvert.WrongType(value, path, Expected(type));
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum) return $"one of {string.Join(", ", Enum.GetNames(type).Select(Kebab))}";
        if (type == typeof(string)) return "a string";
        if (type == typeof(int) || type == typeof(long) || type == typeof(double)) return "a number";
        if (type == typeof(bool)) return "a boolean";
        if (type == typeof(TimeSpan)) return "a duration";
        return $"a {type.Name}";
    }

    private static bool IsOptionsClass(Type type)
        => type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    private static bool IsNullable(PropertyInfo property)
        => new NullabilityInfoContext().Create(property).WriteState != NullabilityState.NotNull;

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

    private static string Join(string path, string key)
        => path.Length == 0 ? new HoconPath([key]).Text : $"{path}.{new HoconPath([key]).Text}";

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

    private static HoconException UnknownKey(string key, string path, IEnumerable<PropertyInfo> properties, HoconValue value)
    {
        var best = properties
            .Select(p => Kebab(p.Name))
            .Select(name => (Name: name, Distance: Distance(key.ToLowerInvariant(), name)))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        var hint = best.Name is not null && best.Distance <= Math.Max(2, key.Length / 3) ? $" (did you mean '{best.Name}'?)" : "";
        return HoconException.At(value.Origin, $"unknown key '{path}'{hint}", path);
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
