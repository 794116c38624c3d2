using System.Reflection;
using Flock.Configuration;

namespace Flock.Node.Options;

/// <summary>node.conf (embedded) under the user's file, bound to <see cref="NodeOptions"/>.</summary>
public static class NodeConfiguration
{
    public static NodeOptions Load(string? userFile, Func<string, string?>? env = null) => Read(userFile, env).Options;

    /// <summary>The options, and the whole configuration for the `akka { }` section the same files may carry.</summary>
    public static (NodeOptions Options, LayeredConfig Config) Read(string? userFile, Func<string, string?>? env = null)
    {
        var config = LayeredConfig.Load(Assembly.GetExecutingAssembly(), "node.conf", userFile, env);
        // `seed` is the seed's section: a file shared by a seed and a node is fine.
        config.CheckFlockSections("cluster", "log", "node", "seed");
        var options = config.Bind<NodeOptions>("node");
        var cluster = config.Bind<ClusterSection>("cluster");
        options.ClusterKey = cluster.Key;
        options.ClusterKeyFile = cluster.KeyFile;
        options.LogFormat = config.Bind<LogSection>("log").Format;
        options.UseAkkaSection(config.AkkaSection);
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
