using System.Reflection;
using Flock.Configuration;

namespace Flock.Seed.Options;

/// <summary>seed.conf (embedded, so an installed seed needs no source tree) under the user's file, bound to <see cref="SeedOptions"/>.</summary>
public static class SeedConfiguration
{
    public static SeedOptions Load(string? userFile, Func<string, string?>? env = null) => Read(userFile, env).Options;

    /// <summary>The options, and the whole configuration for the `akka { }` section the same files may carry.</summary>
    public static (SeedOptions Options, LayeredConfig Config) Read(string? userFile, Func<string, string?>? env = null)
    {
        var config = LayeredConfig.Load(Assembly.GetExecutingAssembly(), "seed.conf", userFile, env);
        // `node` is the node's section: a file shared by a seed and a node is fine.
        config.CheckFlockSections("cluster", "log", "seed", "node");
        var options = config.Bind<SeedOptions>("seed");
        var cluster = config.Bind<ClusterSection>("cluster");
        options.ClusterKey = cluster.Key;
        options.ClusterKeyFile = cluster.KeyFile;
        options.LogFormat = config.Bind<LogSection>("log").Format;
        options.UseAkkaSection(config.AkkaSection);
        if (options.TailChunks < 0) throw new ConfigException($"{config.SourceOf("flock.seed.tail-chunks")}: flock.seed.tail-chunks must be 0 or more, not {options.TailChunks}");
        if (!(options.MinChunkSeconds > 0)) throw new ConfigException($"{config.SourceOf("flock.seed.min-chunk-seconds")}: flock.seed.min-chunk-seconds must be positive, not {options.MinChunkSeconds}");
        try { options.VerifyLevel(); }
        catch (FormatException e) { throw new ConfigException($"{config.SourceOf("flock.seed.verify")}: flock.seed.{e.Message}"); }
        try { options.Retention.Compacts(); }
        catch (FormatException e) { throw new ConfigException($"{config.SourceOf("flock.seed.retention.mode")}: flock.seed.{e.Message}"); }
        if (options.Retention.KeepJobs < 0) throw new ConfigException($"{config.SourceOf("flock.seed.retention.keep-jobs")}: flock.seed.retention.keep-jobs must be 0 or more, not {options.Retention.KeepJobs}");
        try { options.HdrStrict(); }
        catch (FormatException e) { throw new ConfigException($"{config.SourceOf("flock.seed.hdr")}: flock.seed.{e.Message}"); }
        return (options, config);
    }

    private sealed class LogSection
    {
        public string Format { get; set; } = "text";
    }

    /// <summary>`flock.cluster`, bound strictly so a misspelt key is an error rather than a silently ignored secret.</summary>
    private sealed class ClusterSection
    {
        public string Key { get; set; } = "";

        public string KeyFile { get; set; } = "";
    }
}
