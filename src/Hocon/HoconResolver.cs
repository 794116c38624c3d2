namespace Flock.Hocon;

/// <summary>
/// Replaces substitutions, concatenations and delayed merges with plain values, looking paths up in the
/// whole document so a value may refer to keys defined after it.
/// </summary>
internal sealed class HoconResolver
{
    private readonly HoconObject _root;
    private readonly Func<string, string?> _environment;

    // Null values mean "resolved to undefined" (an optional substitution with nothing behind it).
    private readonly Dictionary<HoconValue, HoconValue?> _resolved = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<HoconValue> _inProgress = new(ReferenceEqualityComparer.Instance);

    // Earlier values of fields whose later assignment is being resolved; self-references read from here.
    private readonly List<(HoconPath Path, HoconValue Older)> _olderValues = [];

    private HoconResolver(HoconObject root, Func<string, string?> environment)
    {
        _root = root;
        _environment = environment;
    }

    public static HoconObject Resolve(HoconObject root, Func<string, string?> environment)
    {
        if (!root.NeedsResolve) return root;
        var resolver = new HoconResolver(root, environment);
        return (HoconObject)resolver.ResolveValue(root, HoconPath.Root)!;
    }

    private HoconValue? ResolveValue(HoconValue value, HoconPath path)
    {
        if (!value.NeedsResolve) return value;
        if (_resolved.TryGetValue(value, out var done)) return done;
        if (!_inProgress.Add(value))
            throw HoconException.At(value.Origin, $"substitution cycle involving '{path}'", path.Text);
        try
        {
            var result = value switch
            {
                HoconObject obj => ResolveObject(obj, path),
                HoconArray array => ResolveArray(array, path),
                HoconSubstitution substitution => ResolveSubstitution(substitution),
                HoconConcatenation concatenation => ResolveConcatenation(concatenation, path),
                HoconDelayedMerge merge => ResolveDelayedMerge(merge, path),
                _ => value,
            };
            _resolved[value] = result;
            return result;
        }
        finally
        {
            _inProgress.Remove(value);
        }
    }

    private HoconObject ResolveObject(HoconObject obj, HoconPath path)
    {
        var result = new HoconObject(obj.Origin);
        foreach (var (key, value) in obj)
        {
            // An undefined field disappears, as if the assignment had never been written.
            if (ResolveValue(value, path.Append(key)) is { } resolved) result.Set(key, resolved);
        }
        return result;
    }

    private HoconArray ResolveArray(HoconArray array, HoconPath path)
    {
        var items = new List<HoconValue>(array.Count);
        foreach (var item in array)
        {
            if (ResolveValue(item, path) is { } resolved) items.Add(resolved);
        }
        return new HoconArray(items, array.Origin);
    }

    private HoconValue? ResolveSubstitution(HoconSubstitution substitution)
    {
        var found = substitution.IsSelfReference ? ResolveOlderValue(substitution.Path) : Lookup(substitution.Path);
        // Config first, then environment, as Lightbend does; a self-reference's "config" is the field's earlier value.
        if (found is null && substitution.ReadsEnvironment && _environment(substitution.Raw) is { } fromEnvironment)
            found = new HoconScalar(fromEnvironment, substitution.Origin);
        if (found is null && !substitution.Optional)
            throw HoconException.At(
                substitution.Origin,
                $"could not resolve substitution ${{{substitution.Raw}}}: no such key and no environment variable of that name",
                substitution.Path.Text);
        return found;
    }

    private HoconValue? ResolveOlderValue(HoconPath path)
    {
        var index = _olderValues.FindLastIndex(e => e.Path.Equals(path));
        if (index < 0) return null;
        // The older value must not see its own entry (or later ones), or "a = ${?a}" as a first assignment would loop.
        var hidden = _olderValues.GetRange(index, _olderValues.Count - index);
        _olderValues.RemoveRange(index, hidden.Count);
        try
        {
            return ResolveValue(hidden[0].Older, path);
        }
        finally
        {
            _olderValues.AddRange(hidden);
        }
    }

    private HoconValue? Lookup(HoconPath path)
    {
        HoconValue current = _root;
        for (var i = 0; i < path.Count; i++)
        {
            // Walk literal objects without resolving them, since the substitution may sit inside one of them.
            var obj = current as HoconObject ?? ResolveValue(current, path.Take(i)) as HoconObject;
            if (obj is null || !obj.TryGetValue(path.Segments[i], out var next)) return null;
            current = next;
        }
        return ResolveValue(current, path);
    }

    private HoconValue? ResolveConcatenation(HoconConcatenation concatenation, HoconPath path)
    {
        var parts = new List<HoconValue>();
        foreach (var part in concatenation.Parts)
        {
            if (ResolveValue(part, path) is { } resolved) parts.Add(resolved);
        }
        while (parts.Count > 0 && parts[0] is HoconWhitespace) parts.RemoveAt(0);
        while (parts.Count > 0 && parts[^1] is HoconWhitespace) parts.RemoveAt(parts.Count - 1);
        var values = parts.Where(p => p is not HoconWhitespace).ToList();
        if (values.Count == 0) return null;
        if (values.Count == 1 && parts.Count == 1) return values[0];

        if (values.TrueForAll(v => v is HoconScalar))
        {
            var text = string.Concat(parts.Select(p => p is HoconWhitespace w ? w.Text : ((HoconScalar)p).Value ?? "null"));
            return new HoconScalar(text, concatenation.Origin);
        }
        if (values.TrueForAll(v => v is HoconObject))
        {
            var merged = (HoconObject)values[0];
            for (var i = 1; i < values.Count; i++) merged = HoconMerge.MergeResolved((HoconObject)values[i], merged);
            return merged;
        }
        if (values.TrueForAll(v => v is HoconArray))
            return new HoconArray(values.SelectMany(v => (HoconArray)v).ToList(), concatenation.Origin);

        throw HoconException.At(
            concatenation.Origin,
            $"cannot concatenate {string.Join(" and ", values.Select(v => v.Describe()).Distinct())} in '{path}'",
            path.Text);
    }

    private HoconValue? ResolveDelayedMerge(HoconDelayedMerge merge, HoconPath path)
    {
        HoconValue? newer;
        _olderValues.Add((path, merge.Older));
        try
        {
            newer = ResolveValue(merge.Newer, path);
        }
        finally
        {
            _olderValues.RemoveAt(_olderValues.Count - 1);
        }

        if (newer is null) return ResolveValue(merge.Older, path);
        if (newer is HoconObject newerObject && ResolveValue(merge.Older, path) is HoconObject olderObject)
            return HoconMerge.MergeResolved(newerObject, olderObject);
        return newer;
    }
}
