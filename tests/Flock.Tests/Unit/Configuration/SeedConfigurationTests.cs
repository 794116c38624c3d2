using Flock.Configuration;
using Flock.Seed.Options;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Unit.Configuration;

/// <summary>The seed's options: the embedded seed.conf, the user's file over it, environment variables in both.</summary>
public sealed class SeedConfigurationTests
{
    [Fact]
    public void Defaults_should_come_from_the_embedded_file()
    {
        var options = SeedConfiguration.Load(null, ConfigFiles.NoEnvironment);

        Assert.Equal("https://127.0.0.1:9110", options.Urls);
        Assert.Equal(TimeSpan.FromSeconds(5), options.UnreachableAfter);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RemovalMargin);
        Assert.Equal(TimeSpan.FromSeconds(2), options.HeartbeatInterval);
        Assert.Equal(68719476736L, options.MaxUploadSize);
        Assert.Equal(30, options.DefaultChunkSeconds);
        Assert.Equal("sqlite", options.Journal.Provider);
        Assert.Equal("", options.ClusterKey);
    }

    [Fact]
    public void Local_node_should_be_off_unless_turned_on_in_the_environment()
    {
        Assert.False(SeedConfiguration.Load(null, ConfigFiles.NoEnvironment).LocalNode);
        Assert.True(SeedConfiguration.Load(null, ConfigFiles.Environment(("FLOCK_LOCAL_NODE", "on"))).LocalNode);
    }

    [Fact]
    public void Embedded_defaults_should_agree_with_the_code_defaults()
    {
        // Code that builds SeedOptions directly (tests, tools) must behave like a seed started without a config file.
        var loaded = SeedConfiguration.Load(null, ConfigFiles.NoEnvironment);
        var coded = new SeedOptions();

        foreach (var property in typeof(SeedOptions).GetProperties().Where(p => p.PropertyType != typeof(JournalOptions)))
            if (property.GetValue(coded) is List<string> list) Assert.Equal(list, (List<string>)property.GetValue(loaded)!);
            else Assert.True(Equals(property.GetValue(coded), property.GetValue(loaded)), property.Name);
        Assert.Equal(coded.Journal.Provider, loaded.Journal.Provider);
        Assert.Equal(coded.Journal.ConnectionString, loaded.Journal.ConnectionString);
    }

    [Fact]
    public void Environment_variables_should_override_the_defaults()
    {
        var env = ConfigFiles.Environment(("FLOCK_CLUSTER_KEY", "s3cret"), ("FLOCK_SEED_URLS", "http://0.0.0.0:9000"), ("FLOCK_JOURNAL_PROVIDER", "postgresql"));

        var options = SeedConfiguration.Load(null, env);

        Assert.Equal("s3cret", options.ClusterKey);
        Assert.Equal("http://0.0.0.0:9000", options.Urls);
        Assert.Equal("postgresql", options.Journal.Provider);
    }

    [Fact]
    public void User_file_should_override_one_key_and_keep_the_others()
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("seed.conf");
        File.WriteAllText(file, "flock.seed.unreachable-after = 45s\nflock.seed.max-upload-size = 2GiB\n");

        var options = SeedConfiguration.Load(file, ConfigFiles.NoEnvironment);

        Assert.Equal(TimeSpan.FromSeconds(45), options.UnreachableAfter);
        Assert.Equal(2L << 30, options.MaxUploadSize);
        Assert.Equal("https://127.0.0.1:9110", options.Urls);
        Assert.Equal(TimeSpan.FromSeconds(2), options.HeartbeatInterval);
    }

    [Fact]
    public void User_file_should_set_the_cluster_key()
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("seed.conf");
        File.WriteAllText(file, "flock { cluster { key = \"from-file\" } }\n");

        Assert.Equal("from-file", SeedConfiguration.Load(file, ConfigFiles.NoEnvironment).ClusterKey);
    }

    [Fact]
    public void Typo_in_the_user_file_should_throw_naming_the_key()
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("seed.conf");
        File.WriteAllText(file, "flock.seed.unreachable-aftr = 45s\n");

        var e = Assert.Throws<ConfigException>(() => SeedConfiguration.Load(file, ConfigFiles.NoEnvironment));

        Assert.Contains("unreachable-aftr", e.Message);
    }

    [Fact]
    public void Verify_should_be_first_frames_by_default_and_frames_when_asked()
    {
        Assert.Equal(Flock.Media.Verification.VerifyLevel.FirstFrames, SeedConfiguration.Load(null, ConfigFiles.NoEnvironment).VerifyLevel());
        Assert.Equal(Flock.Media.Verification.VerifyLevel.Frames,
            SeedConfiguration.Load(null, ConfigFiles.Environment(("FLOCK_SEED_VERIFY", "frames"))).VerifyLevel());
    }

    [Fact]
    public void An_unknown_verify_level_should_be_refused_naming_the_key()
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("seed.conf");
        File.WriteAllText(file, "flock.seed.verify = everything\n");

        var e = Assert.Throws<ConfigException>(() => SeedConfiguration.Load(file, ConfigFiles.NoEnvironment));

        Assert.Contains("flock.seed.verify", e.Message, StringComparison.Ordinal);
        Assert.Contains("everything", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Typo_in_the_cluster_section_should_throw_naming_the_key()
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("seed.conf");
        File.WriteAllText(file, "flock.cluster.kye = \"s3cret\"\n");

        var e = Assert.Throws<ConfigException>(() => SeedConfiguration.Load(file, ConfigFiles.NoEnvironment));

        Assert.Contains("kye", e.Message);
    }

    [Fact]
    public void Chunk_sizing_should_come_from_the_tail_and_scene_cut_keys()
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("seed.conf");
        File.WriteAllText(file, "flock.seed { default-chunk-seconds = 12, tail-chunks = 0, min-chunk-seconds = 3, prefer-scene-cuts = false }\n");

        var sizing = SeedConfiguration.Load(file, ConfigFiles.NoEnvironment).ChunkSizing();

        Assert.Equal(new Flock.Media.Planning.ChunkSizing(12, 0, 3, false), sizing);
        Assert.Equal(new Flock.Media.Planning.ChunkSizing(30, 4, 2, true), SeedConfiguration.Load(null, ConfigFiles.NoEnvironment).ChunkSizing());
    }

    [Theory]
    [InlineData("tail-chunks = -1", "tail-chunks")]
    [InlineData("min-chunk-seconds = 0", "min-chunk-seconds")]
    public void Impossible_chunk_sizing_should_throw_naming_the_key(string line, string key)
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("seed.conf");
        File.WriteAllText(file, $"flock.seed.{line}\n");

        var e = Assert.Throws<ConfigException>(() => SeedConfiguration.Load(file, ConfigFiles.NoEnvironment));

        Assert.Contains(key, e.Message);
    }
}
