using System.Reflection;
using Flock.Hocon;

namespace Flock.Node.Options;

/// <summary>node.conf (embedded) under the user's file, bound to <see cref="NodeOptions"/>.</summary>
public static class NodeConfiguration
{
    public static NodeOptions Load(string? userFile, Func<string, string?>? env = null)
    {
        var config = LayeredConfig.Load(Assembly.GetExecutingAssembly(), "node.conf", userFile, env);
        var options = config.GetConfig("flock.node").Bind<NodeOptions>();
        var cluster = config.GetConfig("flock.cluster").Bind<ClusterSection>();
        options.ClusterKey = cluster.Key;
        options.ClusterKeyFile = cluster.KeyFile;
        options.LogFormat = config.GetConfig("flock.log").Bind<LogSection>().Format;
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

        public string KeyFile { get; set; } = "";
    }
}
