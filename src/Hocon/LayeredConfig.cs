using System.Reflection;

namespace Flock.Hocon;

/// <summary>
/// A program's defaults (a .conf embedded in its assembly, so an installed binary needs no source tree) with the
/// user's file merged over them.
/// </summary>
public static class LayeredConfig
{
    public static HoconConfig Load(Assembly assembly, string embeddedName, string? userFile, Func<string, string?>? env = null)
    {
        using var stream = assembly.GetManifestResourceStream(embeddedName)
            ?? throw new InvalidOperationException($"embedded {embeddedName} missing from {assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        var defaults = HoconConfig.Parse(reader.ReadToEnd(), env);
        return userFile is null ? defaults : HoconConfig.Load(userFile, env).WithFallback(defaults);
    }
}
