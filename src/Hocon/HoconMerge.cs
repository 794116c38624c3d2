namespace Flock.Hocon;

/// <summary>The "later wins, objects merge deeply" rule, applied both while parsing and for WithFallback.</summary>
internal static class HoconMerge
{
    /// <summary>Assigns <paramref name="newer"/> to <paramref name="key"/> on top of whatever the key already holds.</summary>
    public static void MergeField(HoconObject target, string key, HoconValue newer)
    {
        if (!target.TryGetValue(key, out var existing))
        {
            target.Set(key, newer);
        }
        else if (newer is HoconObject newerObject && existing is HoconObject existingObject)
        {
            foreach (var (childKey, childValue) in newerObject)
                MergeField(existingObject, childKey, childValue);
        }
        else if (!newer.NeedsResolve && (newer is not HoconObject || !existing.NeedsResolve))
        {
            target.Set(key, newer);
        }
        else
        {
            // The outcome depends on what substitutions resolve to, so keep both and decide later.
            target.Set(key, new HoconDelayedMerge(newer, existing));
        }
    }

    /// <summary>Merges two resolved objects into a new one; <paramref name="newer"/> wins on conflicts.</summary>
    public static HoconObject MergeResolved(HoconObject newer, HoconObject older)
    {
        var result = new HoconObject(newer.Origin ?? older.Origin);
        foreach (var (key, olderValue) in older)
        {
            if (!newer.TryGetValue(key, out var newerValue))
                result.Set(key, olderValue);
            else if (newerValue is HoconObject n && olderValue is HoconObject o)
                result.Set(key, MergeResolved(n, o));
            else
                result.Set(key, newerValue);
        }
        foreach (var (key, newerValue) in newer)
        {
            if (!older.ContainsKey(key)) result.Set(key, newerValue);
        }
        return result;
    }
}
