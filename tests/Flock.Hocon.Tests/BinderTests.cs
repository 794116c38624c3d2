namespace Flock.Hocon.Tests;

public enum JournalProvider { InMemory, Sqlite, PostgreSql }

public sealed class JournalOptions
{
    public JournalProvider Provider { get; set; } = JournalProvider.InMemory;
    public string ConnectionString { get; set; } = "";
}

public sealed class SeedOptions
{
    public string Urls { get; set; } = "http://0.0.0.0:4053";
    public string DataDir { get; set; } = ".flock";
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan UnreachableAfter { get; set; } = TimeSpan.FromSeconds(5);
    [ByteSize] public long MaxUploadSize { get; set; } = 1024;
    public JournalOptions Journal { get; } = new();
}

public sealed class ClusterOptions
{
    public string Key { get; init; } = "unset";
}

public sealed class FlockOptions
{
    public ClusterOptions Cluster { get; set; } = new();
    public SeedOptions Seed { get; set; } = new();
}

public sealed class AllTypes
{
    public string Name { get; set; } = "default";
    public string? Nickname { get; set; } = "nick";
    public int Count { get; set; } = 1;
    public long Total { get; set; }
    public double Ratio { get; set; }
    public bool Enabled { get; set; }
    public TimeSpan Timeout { get; set; }
    public long BufferBytes { get; set; }
    [ByteSize] public int ChunkSize { get; set; }
    public JournalProvider Provider { get; set; }
    public string[] Tags { get; set; } = [];
    public List<string> Hosts { get; set; } = [];
    public IReadOnlyList<string> Peers { get; set; } = [];
    public int? MaybeCount { get; set; } = 5;
    public TimeSpan? MaybeTimeout { get; set; }
    public bool? MaybeEnabled { get; set; }
    public JournalProvider? MaybeProvider { get; set; }
    public long? MaybeLimitBytes { get; set; }
    public int InitOnly { get; init; }
    public JournalOptions? OptionalJournal { get; set; }
    public Dictionary<string, string>? Unsupported { get; set; }
    public int ReadOnly => 3;
}

public sealed class NoDefaultConstructor(int x)
{
    public int X { get; } = x;
}

public class BinderTests
{
    private static HoconConfig Parse(string text) => HoconConfig.Parse(text, _ => null);

    [Fact]
    public void Bind_should_map_kebab_case_keys_onto_every_supported_property_type()
    {
        var options = Parse("""
            name = flock
            nickname = null
            count = 3
            total = 9000000000
            ratio = 0.5
            enabled = yes
            timeout = 250 ms
            buffer-bytes = 64MiB
            chunk-size = 512k
            provider = postgre-sql
            tags = [a, b]
            hosts = [h1]
            peers = [p1, p2]
            maybe-count = 7
            maybe-timeout = 2s
            maybe-enabled = off
            maybe-provider = sqlite
            maybe-limit-bytes = 1KiB
            init-only = 9
            optional-journal { provider = sqlite }
            """).Bind<AllTypes>();

        Assert.Equal("flock", options.Name);
        Assert.Null(options.Nickname);
        Assert.Equal(3, options.Count);
        Assert.Equal(9_000_000_000L, options.Total);
        Assert.Equal(0.5, options.Ratio);
        Assert.True(options.Enabled);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.Timeout);
        Assert.Equal(64L * 1024 * 1024, options.BufferBytes);
        Assert.Equal(512 * 1024, options.ChunkSize);
        Assert.Equal(JournalProvider.PostgreSql, options.Provider);
        Assert.Equal(["a", "b"], options.Tags);
        Assert.Equal(["h1"], options.Hosts);
        Assert.Equal(["p1", "p2"], options.Peers);
        Assert.Equal(7, options.MaybeCount);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaybeTimeout);
        Assert.False(options.MaybeEnabled);
        Assert.Equal(JournalProvider.Sqlite, options.MaybeProvider);
        Assert.Equal(1024L, options.MaybeLimitBytes);
        Assert.Equal(9, options.InitOnly);
        Assert.Equal(JournalProvider.Sqlite, options.OptionalJournal?.Provider);
    }

    [Fact]
    public void Properties_missing_from_the_config_should_keep_their_defaults()
    {
        var options = Parse("count = 2").Bind<AllTypes>();
        Assert.Equal(2, options.Count);
        Assert.Equal("default", options.Name);
        Assert.Equal("nick", options.Nickname);
        Assert.Equal(5, options.MaybeCount);
        Assert.Null(options.OptionalJournal);
    }

    [Theory]
    [InlineData("provider = sqlite", JournalProvider.Sqlite)]
    [InlineData("provider = SQLITE", JournalProvider.Sqlite)]
    [InlineData("provider = in-memory", JournalProvider.InMemory)]
    [InlineData("provider = InMemory", JournalProvider.InMemory)]
    [InlineData("provider = postgre_sql", JournalProvider.PostgreSql)]
    public void Enums_should_accept_kebab_case_or_case_insensitive_names(string text, JournalProvider expected)
        => Assert.Equal(expected, Parse(text).Bind<JournalOptions>().Provider);

    [Fact]
    public void Enums_should_reject_numbers_and_unknown_names_listing_the_allowed_values()
    {
        var error = Assert.Throws<HoconException>(() => Parse("provider = 1").Bind<JournalOptions>());
        Assert.EndsWith("'provider' should be one of in-memory, sqlite, postgre-sql but is '1'", error.Message);
        Assert.Throws<HoconException>(() => Parse("provider = mysql").Bind<JournalOptions>());
    }

    [Fact]
    public void Keys_in_camel_or_pascal_case_should_also_match()
    {
        var options = Parse("HeartbeatInterval = 3s, dataDir = x").Bind<SeedOptions>();
        Assert.Equal(TimeSpan.FromSeconds(3), options.HeartbeatInterval);
        Assert.Equal("x", options.DataDir);
    }

    [Fact]
    public void Nested_options_should_bind_recursively_and_keep_nested_defaults()
    {
        var options = Parse("""
            cluster.key = abc
            seed {
              heartbeat-interval = 2s
              journal.provider = sqlite
            }
            """).Bind<FlockOptions>();
        Assert.Equal("abc", options.Cluster.Key);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Seed.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Seed.UnreachableAfter);
        Assert.Equal(JournalProvider.Sqlite, options.Seed.Journal.Provider);
        Assert.Equal("", options.Seed.Journal.ConnectionString);
    }

    [Fact]
    public void Unknown_keys_should_be_rejected_with_the_full_path_and_a_suggestion()
    {
        var config = Parse("flock.seed {\n  prot = 1\n}");
        var error = Assert.Throws<HoconException>(() => config.GetConfig("flock.seed").Bind<SeedOptionsWithPort>());
        Assert.Equal("2:10: unknown key 'flock.seed.prot' (did you mean 'port'?)", error.Message);
        Assert.Equal("flock.seed.prot", error.KeyPath);
    }

    [Fact]
    public void Unknown_keys_in_nested_objects_should_be_rejected()
    {
        var error = Assert.Throws<HoconException>(() => Parse("seed.journal.conection-string = x").Bind<FlockOptions>());
        Assert.Contains("unknown key 'seed.journal.conection-string' (did you mean 'connection-string'?)", error.Message);
    }

    [Fact]
    public void Unknown_keys_without_a_close_match_should_be_rejected_without_a_suggestion()
    {
        var error = Assert.Throws<HoconException>(() => Parse("completely-different = 1").Bind<JournalOptions>());
        Assert.EndsWith("unknown key 'completely-different'", error.Message);
    }

    [Fact]
    public void Read_only_scalar_properties_should_count_as_unknown_keys()
        => Assert.Contains("unknown key 'read-only'", Assert.Throws<HoconException>(() => Parse("read-only = 1").Bind<AllTypes>()).Message);

    [Theory]
    [InlineData("count = many", "'count' should be an int but is 'many'")]
    [InlineData("enabled = maybe", "'enabled' should be a boolean (true/false, on/off, yes/no) but is 'maybe'")]
    [InlineData("timeout = soon", "'timeout' should be a duration such as 5s, 100ms or 2m but is 'soon'")]
    [InlineData("buffer-bytes = lots", "'buffer-bytes' should be a byte size such as 512k, 64MiB or 10GB but is 'lots'")]
    [InlineData("chunk-size = 4GiB", "'chunk-size' should be a byte size below 2GiB but is '4GiB'")]
    [InlineData("tags = a", "'tags' should be a list of strings but is 'a'")]
    [InlineData("name = [a]", "'name' should be a string but is a list")]
    [InlineData("name = null", "'name' should be a string but is null")]
    [InlineData("count = null", "'count' should be a number but is null")]
    [InlineData("optional-journal = sqlite", "'optional-journal' should be an object (JournalOptions) but is 'sqlite'")]
    [InlineData("ratio = { x = 1 }", "'ratio' should be a number but is an object")]
    public void Values_of_the_wrong_type_should_be_rejected_naming_the_key_and_expected_type(string text, string message)
    {
        var error = Assert.Throws<HoconException>(() => Parse(text).Bind<AllTypes>());
        Assert.EndsWith(message, error.Message);
    }

    [Fact]
    public void Wrong_type_errors_should_name_the_full_path_of_a_nested_key()
    {
        var error = Assert.Throws<HoconException>(() => Parse("flock.seed.heartbeat-interval = often").GetConfig("flock").Bind<FlockOptions>());
        Assert.Equal("flock.seed.heartbeat-interval", error.KeyPath);
        Assert.Contains("'flock.seed.heartbeat-interval' should be a duration", error.Message);
    }

    [Fact]
    public void Null_should_clear_nullable_properties()
    {
        var options = Parse("maybe-count = null, optional-journal = null").Bind<AllTypes>();
        Assert.Null(options.MaybeCount);
        Assert.Null(options.OptionalJournal);
    }

    [Fact]
    public void Unsupported_property_types_should_be_reported_when_configured()
        => Assert.Contains("property type Dictionary`2 is not supported", Assert.Throws<HoconException>(() => Parse("unsupported { a = b }").Bind<AllTypes>()).Message);

    [Fact]
    public void The_non_generic_overload_should_bind_the_given_type()
    {
        var options = Assert.IsType<JournalOptions>(Parse("provider = sqlite").Bind(typeof(JournalOptions)));
        Assert.Equal(JournalProvider.Sqlite, options.Provider);
    }

    [Fact]
    public void The_non_generic_overload_should_reject_a_type_without_a_parameterless_constructor()
        => Assert.Contains("no public parameterless constructor", Assert.Throws<HoconException>(() => Parse("x = 1").Bind(typeof(NoDefaultConstructor))).Message);

    [Fact]
    public void BindTo_should_fill_an_existing_instance()
    {
        var options = new JournalOptions { ConnectionString = "kept" };
        Parse("provider = sqlite").BindTo(options);
        Assert.Equal(JournalProvider.Sqlite, options.Provider);
        Assert.Equal("kept", options.ConnectionString);
    }

    [Fact]
    public void Binding_an_empty_config_should_return_defaults()
        => Assert.Equal(".flock", HoconConfig.Parse("", _ => null).GetConfig("flock.seed").Bind<SeedOptions>().DataDir);
}

public sealed class SeedOptionsWithPort
{
    public int Port { get; set; }
    public string Host { get; set; } = "";
}

public sealed class GetOnlyNullNested
{
    public JournalOptions? Journal { get; }
}

public class BinderEdgeTests
{
    [Fact]
    public void A_get_only_nested_property_without_an_instance_should_be_reported()
    {
        var error = Assert.Throws<HoconException>(() => HoconConfig.Parse("journal { provider = sqlite }", _ => null).Bind<GetOnlyNullNested>());
        Assert.Contains("cannot set 'journal'", error.Message);
    }
}
