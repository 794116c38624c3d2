namespace Flock.Hocon.Tests;

public class RealisticConfigTests
{
    private const string SeedConf = """
        # Flock seed node configuration
        flock {
          cluster { key = "" , key = ${?FLOCK_CLUSTER_KEY} }
          seed {
            urls = "http://127.0.0.1:4053"
            data-dir = ".flock/seed"
            heartbeat-interval = 2s
            unreachable-after = 10s
            max-upload-size = 64GiB
            journal { provider = sqlite, connection-string = "" }
          }
        }
        """;

    [Fact]
    public void A_realistic_seed_config_should_parse_and_bind_with_the_cluster_key_unset()
    {
        var config = HoconConfig.Parse(SeedConf, _ => null);
        Assert.Equal("", config.GetString("flock.cluster.key"));
        Assert.Equal("http://127.0.0.1:4053", config.GetString("flock.seed.urls"));
        Assert.Equal(64L << 30, config.GetByteSize("flock.seed.max-upload-size"));

        var options = config.GetConfig("flock").Bind<FlockOptions>();
        Assert.Equal("", options.Cluster.Key);
        Assert.Equal("http://127.0.0.1:4053", options.Seed.Urls);
        Assert.Equal(".flock/seed", options.Seed.DataDir);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Seed.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Seed.UnreachableAfter);
        Assert.Equal(64L * 1024 * 1024 * 1024, options.Seed.MaxUploadSize);
        Assert.Equal(JournalProvider.Sqlite, options.Seed.Journal.Provider);
        Assert.Equal("", options.Seed.Journal.ConnectionString);
    }

    [Fact]
    public void A_realistic_seed_config_should_take_the_cluster_key_from_the_environment()
    {
        var config = HoconConfig.Parse(SeedConf, name => name == "FLOCK_CLUSTER_KEY" ? "s3cret" : null);
        Assert.Equal("s3cret", config.GetConfig("flock").Bind<FlockOptions>().Cluster.Key);
    }

    [Fact]
    public void A_realistic_seed_config_should_accept_overrides_layered_with_fallback()
    {
        var overrides = HoconConfig.Parse("flock.seed.heartbeat-interval = 500ms", _ => null);
        var options = overrides.WithFallback(HoconConfig.Parse(SeedConf, _ => null)).GetConfig("flock").Bind<FlockOptions>();
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Seed.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Seed.UnreachableAfter);
    }
}
