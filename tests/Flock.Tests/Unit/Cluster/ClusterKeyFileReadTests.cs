using System.Runtime.Versioning;
using Flock.Messages.Cluster;
using Flock.Node.Options;
using Flock.Seed.Options;
using Flock.Tests.Support;
using Flock.Tests.Unit.Configuration;
using Xunit;

namespace Flock.Tests.Unit.Cluster;

/// <summary>`--cluster-key-file`: the key from an owner-only file, so it need not sit in the environment or shell history.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ClusterKeyFileReadTests
{
    [Fact]
    public void Owner_only_key_file_should_give_the_key_without_its_newline()
    {
        using var scratch = ScratchDirectory.Create();
        var path = scratch.File("cluster.key");
        File.WriteAllText(path, "s3cret-key\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal("s3cret-key", ClusterKeyFile.Read(path));
    }

    [Fact]
    public void Key_file_others_can_read_should_be_refused_saying_how_to_fix_it()
    {
        using var scratch = ScratchDirectory.Create();
        var path = scratch.File("cluster.key");
        File.WriteAllText(path, "s3cret-key\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var e = Assert.Throws<IOException>(() => ClusterKeyFile.Read(path));
        Assert.Equal($"cluster key file {path} is open to others (mode 644): run chmod 600 {path}", e.Message);
    }

    [Fact]
    public void Missing_or_empty_key_file_should_be_refused_naming_it()
    {
        using var scratch = ScratchDirectory.Create();
        var missing = scratch.File("nope.key");
        Assert.Equal($"cannot read cluster key file {missing}: no such file or directory", Assert.Throws<IOException>(() => ClusterKeyFile.Read(missing)).Message);

        var empty = scratch.File("empty.key");
        File.WriteAllText(empty, "\n");
        File.SetUnixFileMode(empty, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal($"cluster key file {empty} is empty", Assert.Throws<IOException>(() => ClusterKeyFile.Read(empty)).Message);
    }

    [Fact]
    public void Key_file_should_come_from_the_environment_for_node_and_seed()
    {
        var env = ConfigFiles.Environment(("FLOCK_CLUSTER_KEY_FILE", "/etc/flock/cluster.key"));
        Assert.Equal("/etc/flock/cluster.key", NodeConfiguration.Load(null, env).ClusterKeyFile);
        Assert.Equal("/etc/flock/cluster.key", SeedConfiguration.Load(null, env).ClusterKeyFile);
        Assert.Equal("", NodeConfiguration.Load(null, ConfigFiles.NoEnvironment).ClusterKeyFile);
    }
}
