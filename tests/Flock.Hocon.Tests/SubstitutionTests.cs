namespace Flock.Hocon.Tests;

public class SubstitutionTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    private static HoconConfig Parse(string text, Func<string, string?>? env = null) => HoconConfig.Parse(text, env ?? Env());

    [Fact]
    public void A_substitution_should_resolve_against_the_whole_document()
    {
        var config = Parse("""
            a { b = ${c.d} }
            c { d = 42 }
            e = ${a}
            """);
        Assert.Equal(42, config.GetInt("a.b"));
        Assert.Equal(42, config.GetInt("e.b"));
    }

    [Fact]
    public void A_substitution_should_see_the_final_value_of_a_key_defined_twice()
        => Assert.Equal(2, Parse("a = 1\nb = ${a}\na = 2").GetInt("b"));

    [Fact]
    public void Chained_substitutions_should_resolve()
        => Assert.Equal("x", Parse("a = ${b}\nb = ${c}\nc = x").GetString("a"));

    [Fact]
    public void A_substitution_should_concatenate_with_surrounding_text()
        => Assert.Equal("/var/flock/data and more", Parse("base = /var/flock\ndata = ${base}/data and more").GetString("data"));

    [Fact]
    public void A_substitution_of_an_object_should_merge_with_a_following_object()
    {
        var config = Parse("""
            defaults { port = 1, host = localhost }
            seed = ${defaults} { port = 2 }
            """);
        Assert.Equal(2, config.GetInt("seed.port"));
        Assert.Equal("localhost", config.GetString("seed.host"));
    }

    [Fact]
    public void An_object_assigned_after_a_substitution_should_merge_onto_it()
    {
        var config = Parse("""
            defaults { port = 1, host = localhost }
            seed = ${defaults}
            seed { port = 2 }
            """);
        Assert.Equal(2, config.GetInt("seed.port"));
        Assert.Equal("localhost", config.GetString("seed.host"));
        Assert.Equal(1, config.GetInt("defaults.port"));
    }

    [Fact]
    public void Lists_should_concatenate_through_substitutions()
        => Assert.Equal(["1", "2", "3"], Parse("a = [1, 2]\nb = ${a} [3]").GetStringList("b"));

    [Fact]
    public void A_self_reference_should_see_the_earlier_value()
        => Assert.Equal("/bin:/usr/bin:/opt", Parse("path = /bin\npath = ${path}\":/usr/bin\"\npath = ${path}\":/opt\"").GetString("path"));

    [Fact]
    public void A_missing_required_substitution_should_fail_with_its_position()
    {
        var error = Assert.Throws<HoconException>(() => Parse("a = 1\nb = ${nope.missing}"));
        Assert.StartsWith("2:5: could not resolve substitution ${nope.missing}", error.Message);
        Assert.Equal("nope.missing", error.KeyPath);
    }

    [Fact]
    public void A_required_substitution_should_fall_back_to_the_environment()
        => Assert.Equal("s3cret", Parse("key = ${FLOCK_KEY}", Env(("FLOCK_KEY", "s3cret"))).GetString("key"));

    [Fact]
    public void Optional_env_substitution_should_use_the_variable_when_it_is_set()
    {
        var config = Parse("key = \"default\"\nkey = ${?FLOCK_CLUSTER_KEY}", Env(("FLOCK_CLUSTER_KEY", "from-env")));
        Assert.Equal("from-env", config.GetString("key"));
    }

    [Fact]
    public void Optional_env_substitution_should_keep_the_default_when_the_variable_is_unset()
        => Assert.Equal("default", Parse("key = \"default\"\nkey = ${?FLOCK_CLUSTER_KEY}").GetString("key"));

    [Fact]
    public void Optional_substitution_without_an_earlier_value_should_leave_the_key_absent()
    {
        var config = Parse("a = 1\nkey = ${?FLOCK_CLUSTER_KEY}");
        Assert.False(config.HasPath("key"));
        Assert.Equal(["a"], config.Keys);
        Assert.Equal("fallback", config.GetString("key", "fallback"));
    }

    [Fact]
    public void Optional_substitution_should_prefer_a_config_path_over_the_environment()
    {
        var config = Parse("other = from-config\nkey = ${?other}", Env(("other", "from-env")));
        Assert.Equal("from-config", config.GetString("key"));
    }

    [Fact]
    public void Optional_self_substitution_without_an_earlier_value_should_read_the_environment_variable_of_the_same_name()
    {
        Assert.Equal("/home/me", Parse("HOME = ${?HOME}", Env(("HOME", "/home/me"))).GetString("HOME"));
        Assert.False(Parse("HOME = ${?HOME}").HasPath("HOME"));
    }

    [Fact]
    public void Plus_equals_should_not_read_an_environment_variable_named_like_the_key()
        => Assert.Equal(["x"], Parse("a += x", Env(("a", "oops"))).GetStringList("a"));

    [Fact]
    public void Optional_substitution_should_keep_the_default_on_the_same_line_after_a_comma()
        => Assert.Equal("", Parse("cluster { key = \"\" , key = ${?FLOCK_CLUSTER_KEY} }").GetString("cluster.key"));

    [Fact]
    public void Undefined_optional_substitution_in_a_list_should_be_dropped()
        => Assert.Equal(["a", "b"], Parse("l = [a, ${?NOPE}, b]").GetStringList("l"));

    [Fact]
    public void The_default_environment_lookup_should_read_the_process_environment()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        Assert.NotNull(path);
        Assert.Equal(path, HoconConfig.Parse("p = ${?PATH}").GetString("p"));
    }

    [Fact]
    public void A_substitution_cycle_should_be_reported()
    {
        var error = Assert.Throws<HoconException>(() => Parse("a = ${b}\nb = ${a}"));
        Assert.Contains("cycle", error.Message);
    }

    [Fact]
    public void A_substitution_referring_to_its_own_enclosing_object_should_be_reported_as_a_cycle()
        => Assert.Contains("cycle", Assert.Throws<HoconException>(() => Parse("a { b = ${a} }")).Message);

    [Fact]
    public void A_substitution_with_a_quoted_path_should_resolve()
        => Assert.Equal(1, Parse("a { \"b.c\" = 1 }\nd = ${a.\"b.c\"}").GetInt("d"));

    [Fact]
    public void A_substitution_into_a_string_concatenation_should_use_the_null_literal_text()
        => Assert.Equal("x-null", Parse("n = null\ns = x-${n}").GetString("s"));
}
