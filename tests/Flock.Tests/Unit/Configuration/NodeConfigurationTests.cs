using Flock.Configuration;
using Flock.Node.Options;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Unit.Configuration;

/// <summary>The node's options: the embedded node.conf, the user's file over it, environment variables in both.</summary>
public sealed class NodeConfigurationTests
{
    [Fact]
    public void Drain_timeout_should_default_to_five_minutes_and_work_dir_follow_the_environment()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), NodeConfiguration.Load(null, ConfigFiles.NoEnvironment).DrainTimeout);
        Assert.Equal("/var/cache/flock-node", NodeConfiguration.Load(null, ConfigFiles.Environment(("FLOCK_NODE_WORK_DIR", "/var/cache/flock-node"))).WorkDir);
    }

    [Fact]
    public void Defaults_should_come_from_the_embedded_file()
    {
        var options = NodeConfiguration.Load(null, ConfigFiles.NoEnvironment);

        Assert.Equal("127.0.0.1:9110", options.Seed);
        Assert.Equal(1, options.ParallelEncodes);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ReconnectMax);
        Assert.Equal("", options.ClusterKey);
    }

    [Fact]
    public void Embedded_defaults_should_agree_with_the_code_defaults()
    {
        var loaded = NodeConfiguration.Load(null, ConfigFiles.NoEnvironment);
        var coded = new NodeOptions();

        foreach (var property in typeof(NodeOptions).GetProperties())
            Assert.True(Equals(property.GetValue(coded), property.GetValue(loaded)), property.Name);
    }

    [Fact]
    public void Environment_variables_should_override_the_defaults()
    {
        var env = ConfigFiles.Environment(("FLOCK_CLUSTER_KEY", "s3cret"), ("FLOCK_SEED", "seed.lan:9110"), ("FLOCK_NODE_NAME", "attic"));

        var options = NodeConfiguration.Load(null, env);

        Assert.Equal("s3cret", options.ClusterKey);
        Assert.Equal("seed.lan:9110", options.Seed);
        Assert.Equal("attic", options.Name);
    }

    [Fact]
    public void User_file_should_override_one_key_and_keep_the_others()
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("node.conf");
        File.WriteAllText(file, "flock.node { parallel-encodes = 3 }\n");

        var options = NodeConfiguration.Load(file, ConfigFiles.NoEnvironment);

        Assert.Equal(3, options.ParallelEncodes);
        Assert.Equal(1, options.Reserve);
        Assert.Equal("127.0.0.1:9110", options.Seed);
    }

    [Fact]
    public void Typo_in_the_user_file_should_throw_naming_the_key()
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("node.conf");
        File.WriteAllText(file, "flock.node.paralel-encodes = 3\n");

        var e = Assert.Throws<ConfigException>(() => NodeConfiguration.Load(file, ConfigFiles.NoEnvironment));

        Assert.Contains("paralel-encodes", e.Message);
    }
}
