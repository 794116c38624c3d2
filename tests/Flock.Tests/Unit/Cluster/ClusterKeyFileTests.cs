using System.Runtime.Versioning;
using Flock.Messages.Cluster;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Unit.Cluster;

/// <summary>Where the key comes from: configuration first, else the data dir's cluster.key, created once.</summary>
public sealed class ClusterKeyFileTests
{
    [Fact]
    [UnsupportedOSPlatform("windows")] // unix file modes; the product skips them on Windows too
    public void Missing_key_should_be_created_owner_only_in_the_data_dir()
    {
        using var scratch = ScratchDirectory.Create();
        var dataDir = scratch.File("seed-data");

        var (key, createdAt) = ClusterKey.LoadOrCreate(null, dataDir);

        var path = Path.Combine(dataDir, "cluster.key");
        Assert.Equal(path, createdAt);
        Assert.True(File.Exists(path));
        Assert.Matches("^[0-9a-f]{64}\n$", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(new ClusterKey(File.ReadAllText(path)).NodeProof("s", "n", "a"), key.NodeProof("s", "n", "a"));
    }

    [Fact]
    public void Created_key_should_be_reused_next_time()
    {
        using var scratch = ScratchDirectory.Create();

        var (first, _) = ClusterKey.LoadOrCreate("", scratch.Path);
        var (second, createdAt) = ClusterKey.LoadOrCreate("", scratch.Path);

        Assert.Null(createdAt);
        Assert.Equal(first.NodeProof("s", "n", "a"), second.NodeProof("s", "n", "a"));
    }

    [Fact]
    public void Keys_created_in_different_data_dirs_should_differ()
    {
        using var one = ScratchDirectory.Create();
        using var two = ScratchDirectory.Create();

        var (a, _) = ClusterKey.LoadOrCreate(null, one.Path);
        var (b, _) = ClusterKey.LoadOrCreate(null, two.Path);

        Assert.NotEqual(a.NodeProof("s", "n", "a"), b.NodeProof("s", "n", "a"));
    }

    [Fact]
    public void Configured_key_should_win_over_the_file_and_create_nothing()
    {
        using var scratch = ScratchDirectory.Create();
        var (fromFile, _) = ClusterKey.LoadOrCreate(null, scratch.Path);
        using var empty = ScratchDirectory.Create();

        var (configured, createdAt) = ClusterKey.LoadOrCreate("configured-secret", scratch.Path);
        ClusterKey.LoadOrCreate("configured-secret", empty.Path);

        Assert.Null(createdAt);
        Assert.Equal(new ClusterKey("configured-secret").NodeProof("s", "n", "a"), configured.NodeProof("s", "n", "a"));
        Assert.NotEqual(fromFile.NodeProof("s", "n", "a"), configured.NodeProof("s", "n", "a"));
        Assert.Empty(Directory.GetFiles(empty.Path));
    }
}
