using System.Reflection;
using Flock.Hocon;

namespace Flock.Seed.Options;

/// <summary>seed.conf (embedded, so an installed seed needs no source tree) under the user's file, bound to <see cref="SeedOptions"/>.</summary>
public static class SeedConfiguration
{
    public static SeedOptions Load(string? userFile, Func<string, string?>? env = null)
    {
        var config = LayeredConfig.Load(Assembly.GetExecutingAssembly(), "seed.conf", userFile, env);
        var options = config.GetConfig("flock.seed").Bind<SeedOptions>();
        options.ClusterKey = config.GetConfig("flock.cluster").Bind<ClusterSection>().Key;
        options.LogFormat = config.GetConfig("flock.log").Bind<LogSection>().Format;
        if (options.TailChunks < 0) throw new HoconException($"flock.seed.tail-chunks must be 0 or more, not {options.TailChunks}");
        if (!(options.MinChunkSeconds > 0)) throw new HoconException($"flock.seed.min-chunk-seconds must be positive, not {options.MinChunkSeconds}");
        try { options.VerifyLevel(); }
        catch (FormatException e) { throw new HoconException($"flock.seed.{e.Message}"); }
        return options;
    }

    private sealed class LogSection
    {
        public string Format { get; set; } = "text";
    }

    /// <summary>`flock.cluster`, bound strictly so a misspelt key is an error rather than a silently ignored secret.</summary>
    private sealed class ClusterSection
    {
        public string Key { get; set; } = "";
    }
}
