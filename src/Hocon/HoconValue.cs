using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Flock.Hocon;

/// <summary>A node of a configuration tree. After loading, only objects, arrays and scalars remain.</summary>
public abstract class HoconValue
{
    private protected HoconValue(HoconOrigin? origin) => Origin = origin;

    public HoconOrigin? Origin { get; }

    /// <summary>True while the subtree still holds substitutions or merges that only the resolver can settle.</summary>
    internal abstract bool NeedsResolve { get; }

    /// <summary>Short wording for error messages ("'abc'", "an object").</summary>
    internal abstract string Describe();
}

/// <summary>
/// A string, number, boolean or null. Numbers and booleans keep their source text because HOCON
/// lets the reader decide the type (<c>on</c> is a boolean only when read as one).
/// </summary>
public sealed class HoconScalar : HoconValue
{
    internal HoconScalar(string? text, HoconOrigin? origin) : base(origin) => Value = text;

    /// <summary>The text, or null for the <c>null</c> literal.</summary>
    public string? Value { get; }

    public bool IsNull => Value is null;

    internal override bool NeedsResolve => false;

    internal override string Describe()
        => Value is null ? "null" : Value.Length > 40 ? $"'{Value[..40]}...'" : $"'{Value}'";

    public override string ToString() => Value ?? "null";
}

public sealed class HoconArray : HoconValue, IReadOnlyList<HoconValue>
{
    private readonly List<HoconValue> _items;

    internal HoconArray(List<HoconValue> items, HoconOrigin? origin) : base(origin) => _items = items;

    public int Count => _items.Count;

    public HoconValue this[int index] => _items[index];

    internal override bool NeedsResolve => _items.Exists(i => i.NeedsResolve);

    internal override string Describe() => "a list";

    public IEnumerator<HoconValue> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>An object; keys keep the order of first appearance so diagnostics and enumeration are stable.</summary>
public sealed class HoconObject : HoconValue, IReadOnlyDictionary<string, HoconValue>
{
    private readonly OrderedDictionary<string, HoconValue> _fields = new(StringComparer.Ordinal);

    internal HoconObject(HoconOrigin? origin) : base(origin) { }

    public int Count => _fields.Count;

    public IEnumerable<string> Keys => _fields.Keys;

    public IEnumerable<HoconValue> Values => _fields.Values;

    public HoconValue this[string key] => _fields[key];

    public bool ContainsKey(string key) => _fields.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out HoconValue value) => _fields.TryGetValue(key, out value);

    internal void Set(string key, HoconValue value) => _fields[key] = value;

    internal override bool NeedsResolve
    {
        get
        {
            foreach (var value in _fields.Values)
            {
                if (value.NeedsResolve) return true;
            }
            return false;
        }
    }

    internal override string Describe() => "an object";

    public IEnumerator<KeyValuePair<string, HoconValue>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
