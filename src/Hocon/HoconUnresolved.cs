namespace Flock.Hocon;

// Nodes that exist only between parsing and resolution; the resolver replaces every one of them.

/// <summary><c>${path}</c> or <c>${?path}</c>.</summary>
internal sealed class HoconSubstitution(
    HoconPath path, string raw, bool optional, HoconPath fieldPath, HoconOrigin? origin, bool readsEnvironment = true)
    : HoconValue(origin)
{
    public HoconPath Path { get; } = path;

    /// <summary>The text between the braces, used verbatim as the environment variable name.</summary>
    public string Raw { get; } = raw;

    public bool Optional { get; } = optional;

    /// <summary>
    /// The field this substitution was written in. A substitution naming its own field refers to the
    /// value the field had before this assignment (<c>key = ${?KEY}</c>, <c>path = ${path}:/bin</c>).
    /// </summary>
    public HoconPath FieldPath { get; } = fieldPath;

    public bool IsSelfReference => Path.Equals(FieldPath);

    /// <summary>False for the hidden self-reference of <c>+=</c>, which must not pick up a variable named like the key.</summary>
    public bool ReadsEnvironment { get; } = readsEnvironment;

    internal override bool NeedsResolve => true;

    internal override string Describe() => $"${{{(Optional ? "?" : "")}{Raw}}}";
}

/// <summary>
/// Adjacent values on one line (<c>${base}/data</c>, <c>250 ms</c>, <c>${defaults} { port = 1 }</c>);
/// their combined type is only known once substitutions are resolved.
/// </summary>
internal sealed class HoconConcatenation(List<HoconValue> parts, HoconOrigin? origin) : HoconValue(origin)
{
    public List<HoconValue> Parts { get; } = parts;

    internal override bool NeedsResolve => true;

    internal override string Describe() => "a concatenation";
}

/// <summary>Whitespace between concatenated values; it matters for strings and is dropped for objects and lists.</summary>
internal sealed class HoconWhitespace(string text, HoconOrigin? origin) : HoconValue(origin)
{
    public string Text { get; } = text;

    internal override bool NeedsResolve => false;

    internal override string Describe() => "whitespace";
}

/// <summary>
/// A later assignment that cannot simply replace the earlier one before resolution: an undefined
/// <c>${?X}</c> must fall back to <see cref="Older"/>, and an object must merge onto an object that a
/// substitution will only produce later.
/// </summary>
internal sealed class HoconDelayedMerge(HoconValue newer, HoconValue older) : HoconValue(newer.Origin)
{
    public HoconValue Newer { get; } = newer;

    public HoconValue Older { get; } = older;

    internal override bool NeedsResolve => true;

    internal override string Describe() => Newer.Describe();
}
