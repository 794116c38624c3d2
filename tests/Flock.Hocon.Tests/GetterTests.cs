namespace Flock.Hocon.Tests;

public class GetterTests
{
    private static readonly HoconConfig Config = HoconConfig.Parse("""
        flock {
          name = node-1
          port = 4053
          ratio = 0.75
          enabled = on
          timeout = 5s
          buffer = 64MiB
          tags = [a, b]
          nothing = null
          seed { port = 1 }
        }
        """, _ => null);

    [Fact]
    public void Getters_should_read_present_values()
    {
        Assert.Equal("node-1", Config.GetString("flock.name"));
        Assert.Equal(4053, Config.GetInt("flock.port"));
        Assert.Equal(4053L, Config.GetLong("flock.port"));
        Assert.Equal(0.75, Config.GetDouble("flock.ratio"));
        Assert.True(Config.GetBool("flock.enabled"));
        Assert.Equal(TimeSpan.FromSeconds(5), Config.GetTimeSpan("flock.timeout"));
        Assert.Equal(64L * 1024 * 1024, Config.GetByteSize("flock.buffer"));
        Assert.Equal(["a", "b"], Config.GetStringList("flock.tags"));
    }

    [Fact]
    public void Getters_with_a_fallback_should_return_it_for_missing_or_null_keys()
    {
        Assert.Equal("dflt", Config.GetString("flock.missing", "dflt"));
        Assert.Null(Config.GetString("flock.missing", null));
        Assert.Equal("dflt", Config.GetString("flock.nothing", "dflt"));
        Assert.Equal(7, Config.GetInt("flock.missing", 7));
        Assert.Equal(7L, Config.GetLong("flock.missing", 7L));
        Assert.Equal(2.5, Config.GetDouble("flock.missing", 2.5));
        Assert.True(Config.GetBool("flock.missing", true));
        Assert.Equal(TimeSpan.FromMinutes(1), Config.GetTimeSpan("flock.missing", TimeSpan.FromMinutes(1)));
        Assert.Equal(10L, Config.GetByteSize("flock.missing", 10L));
        Assert.Equal(["z"], Config.GetStringList("flock.missing", ["z"]));
        Assert.Equal(4053, Config.GetInt("flock.port", 7));
        Assert.Equal(7, Config.GetInt("nowhere.at.all", 7));
    }

    [Fact]
    public void Getters_with_a_fallback_should_still_reject_a_value_of_the_wrong_type()
        => Assert.Throws<HoconException>(() => Config.GetInt("flock.name", 7));

    [Fact]
    public void Getters_without_fallback_should_name_the_missing_path()
    {
        var error = Assert.Throws<HoconException>(() => Config.GetString("flock.missing"));
        Assert.Equal("missing key 'flock.missing'", error.Message);
        Assert.Equal("flock.missing", error.KeyPath);
        Assert.Throws<HoconException>(() => Config.GetInt("flock.nothing"));
        Assert.Throws<HoconException>(() => Config.GetLong("flock.missing"));
        Assert.Throws<HoconException>(() => Config.GetDouble("flock.missing"));
        Assert.Throws<HoconException>(() => Config.GetBool("flock.missing"));
        Assert.Throws<HoconException>(() => Config.GetTimeSpan("flock.missing"));
        Assert.Throws<HoconException>(() => Config.GetByteSize("flock.missing"));
        Assert.Throws<HoconException>(() => Config.GetStringList("flock.missing"));
    }

    [Theory]
    [InlineData("int", "flock.name", "'flock.name' should be an int but is 'node-1'")]
    [InlineData("long", "flock.ratio", "'flock.ratio' should be a long but is '0.75'")]
    [InlineData("double", "flock.name", "'flock.name' should be a number but is 'node-1'")]
    [InlineData("bool", "flock.name", "'flock.name' should be a boolean (true/false, on/off, yes/no) but is 'node-1'")]
    [InlineData("duration", "flock.name", "'flock.name' should be a duration such as 5s, 100ms or 2m but is 'node-1'")]
    [InlineData("bytes", "flock.timeout", "'flock.timeout' should be a byte size such as 512k, 64MiB or 10GB but is '5s'")]
    [InlineData("list", "flock.name", "'flock.name' should be a list of strings but is 'node-1'")]
    [InlineData("string", "flock.seed", "'flock.seed' should be a string but is an object")]
    [InlineData("string", "flock.tags", "'flock.tags' should be a string but is a list")]
    public void Getters_should_name_the_path_and_expected_type_when_the_value_has_the_wrong_type(string kind, string path, string message)
    {
        Action read = kind switch
        {
            "int" => () => Config.GetInt(path),
            "long" => () => Config.GetLong(path),
            "double" => () => Config.GetDouble(path),
            "bool" => () => Config.GetBool(path),
            "duration" => () => Config.GetTimeSpan(path),
            "bytes" => () => Config.GetByteSize(path),
            "list" => () => Config.GetStringList(path),
            _ => () => Config.GetString(path),
        };
        var error = Assert.Throws<HoconException>(read);
        Assert.EndsWith(message, error.Message);
        Assert.Matches(@"^\d+:\d+: ", error.Message);
        Assert.Equal(path, error.KeyPath);
    }

    [Fact]
    public void A_path_through_a_scalar_should_be_a_wrong_type_error()
    {
        var error = Assert.Throws<HoconException>(() => Config.GetString("flock.name.first"));
        Assert.Contains("'flock.name' should be an object", error.Message);
        Assert.False(Config.HasPath("flock.name.first"));
    }

    [Fact]
    public void A_list_holding_an_object_should_be_rejected_with_the_element_index()
    {
        var config = HoconConfig.Parse("l = [a, { b = 1 }]", _ => null);
        Assert.Contains("'l[1]' should be a string", Assert.Throws<HoconException>(() => config.GetStringList("l")).Message);
    }

    [Fact]
    public void HasPath_should_be_true_only_for_present_non_null_values()
    {
        Assert.True(Config.HasPath("flock"));
        Assert.True(Config.HasPath("flock.seed.port"));
        Assert.False(Config.HasPath("flock.nothing"));
        Assert.False(Config.HasPath("flock.seed.missing"));
    }

    [Fact]
    public void GetConfig_should_return_a_subtree_whose_errors_name_the_full_path()
    {
        var seed = Config.GetConfig("flock.seed");
        Assert.Equal(1, seed.GetInt("port"));
        Assert.Equal("flock.seed", seed.Location);
        Assert.Equal("missing key 'flock.seed.host'", Assert.Throws<HoconException>(() => seed.GetString("host")).Message);
    }

    [Fact]
    public void GetConfig_should_return_an_empty_config_for_a_missing_path()
    {
        var missing = Config.GetConfig("flock.absent");
        Assert.Empty(missing.Keys);
        Assert.Equal(3, missing.GetInt("x", 3));
    }

    [Fact]
    public void GetConfig_should_reject_a_path_that_is_not_an_object()
        => Assert.Contains("'flock.port' should be an object", Assert.Throws<HoconException>(() => Config.GetConfig("flock.port")).Message);

    [Fact]
    public void WithFallback_should_let_this_config_win_and_merge_objects_deeply()
    {
        var app = HoconConfig.Parse("flock { port = 1, seed { host = a } }", _ => null);
        var defaults = HoconConfig.Parse("flock { port = 2, name = x, seed { host = b, port = 3 } }", _ => null);
        var merged = app.WithFallback(defaults);
        Assert.Equal(1, merged.GetInt("flock.port"));
        Assert.Equal("x", merged.GetString("flock.name"));
        Assert.Equal("a", merged.GetString("flock.seed.host"));
        Assert.Equal(3, merged.GetInt("flock.seed.port"));
        Assert.Equal(2, defaults.GetInt("flock.port"));
    }

    [Fact]
    public void WithFallback_should_let_a_scalar_replace_a_fallback_object()
        => Assert.Equal("off", HoconConfig.Parse("a = off", _ => null).WithFallback(HoconConfig.Parse("a { b = 1 }", _ => null)).GetString("a"));

    [Fact]
    public void Empty_should_have_no_keys()
        => Assert.Empty(HoconConfig.Empty.Keys);

    [Fact]
    public void An_invalid_path_should_be_rejected()
        => Assert.Contains("empty key", Assert.Throws<HoconException>(() => Config.HasPath("flock..port")).Message);
}

public class PathTests
{
    [Fact]
    public void An_unterminated_quoted_path_segment_should_be_rejected()
        => Assert.Contains("unterminated quoted key", Assert.Throws<HoconException>(() => HoconConfig.Empty.HasPath("a.\"b")).Message);

    [Fact]
    public void An_unterminated_quoted_path_in_a_substitution_should_report_its_position()
        => Assert.StartsWith("1:5: unterminated quoted key", Assert.Throws<HoconException>(() => HoconConfig.Parse("a = ${b.\"c}", _ => null)).Message);
}
