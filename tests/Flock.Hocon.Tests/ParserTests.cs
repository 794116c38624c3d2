namespace Flock.Hocon.Tests;

public class ParserTests
{
    private static HoconConfig Parse(string text) => HoconConfig.Parse(text, _ => null);

    [Fact]
    public void Hash_and_double_slash_comments_should_be_ignored()
    {
        var config = Parse("""
            # leading comment
            a = 1 # trailing comment
            // another comment
            b = 2 // trailing slash comment
            """);
        Assert.Equal(1, config.GetInt("a"));
        Assert.Equal(2, config.GetInt("b"));
        Assert.Equal(["a", "b"], config.Keys);
    }

    [Fact]
    public void Root_braces_should_be_optional()
    {
        Assert.Equal(1, Parse("{ a = 1 }").GetInt("a"));
        Assert.Equal(1, Parse("a = 1").GetInt("a"));
    }

    [Theory]
    [InlineData("a = { b = 1 }")]
    [InlineData("a : { b = 1 }")]
    [InlineData("a { b = 1 }")]
    [InlineData("a {\n  b: 1\n}")]
    public void Equals_colon_or_nothing_before_a_brace_should_define_an_object(string text)
        => Assert.Equal(1, Parse(text).GetInt("a.b"));

    [Fact]
    public void Dotted_keys_should_equal_nested_objects()
    {
        var dotted = Parse("flock.cluster.key = x");
        var nested = Parse("flock { cluster { key = x } }");
        Assert.Equal("x", dotted.GetString("flock.cluster.key"));
        Assert.Equal(nested.GetString("flock.cluster.key"), dotted.GetString("flock.cluster.key"));
        Assert.Equal(["cluster"], dotted.GetConfig("flock").Keys);
    }

    [Fact]
    public void Quoted_keys_should_keep_dots_inside_one_segment()
    {
        var config = Parse("""a."b.c" = 1""");
        Assert.Equal(1, config.GetInt("a.\"b.c\""));
        Assert.False(config.HasPath("a.b"));
    }

    [Fact]
    public void Duplicate_scalar_keys_should_let_the_later_value_win()
        => Assert.Equal(2, Parse("a = 1\na = 2").GetInt("a"));

    [Fact]
    public void Duplicate_object_keys_should_merge_deeply()
    {
        var config = Parse("""
            a { b { x = 1, y = 2 }, c = 3 }
            a { b { y = 20, z = 30 } }
            a.c = 4
            """);
        Assert.Equal(1, config.GetInt("a.b.x"));
        Assert.Equal(20, config.GetInt("a.b.y"));
        Assert.Equal(30, config.GetInt("a.b.z"));
        Assert.Equal(4, config.GetInt("a.c"));
    }

    [Fact]
    public void An_object_should_replace_an_earlier_scalar_and_a_scalar_an_earlier_object()
    {
        Assert.Equal(1, Parse("a = 1\na { b = 1 }").GetInt("a.b"));
        Assert.Equal(5, Parse("a { b = 1 }\na = 5").GetInt("a"));
    }

    [Fact]
    public void Commas_and_newlines_should_both_separate_fields_and_trailing_commas_should_be_tolerated()
    {
        var config = Parse("a = 1, b = 2,\nc = 3,\nd { e = 4, },");
        Assert.Equal(1, config.GetInt("a"));
        Assert.Equal(2, config.GetInt("b"));
        Assert.Equal(3, config.GetInt("c"));
        Assert.Equal(4, config.GetInt("d.e"));
    }

    [Fact]
    public void Unquoted_strings_should_run_until_a_comment_newline_comma_or_brace()
    {
        var config = Parse("""
            a = hello world # comment
            b = one, c = two
            d { e = three }
            f = [x y, z]
            g = some/path // comment
            """);
        Assert.Equal("hello world", config.GetString("a"));
        Assert.Equal("one", config.GetString("b"));
        Assert.Equal("two", config.GetString("c"));
        Assert.Equal("three", config.GetString("d.e"));
        Assert.Equal(["x y", "z"], config.GetStringList("f"));
        Assert.Equal("some/path", config.GetString("g"));
    }

    [Fact]
    public void Quoted_strings_should_support_json_escapes()
    {
        var config = Parse("""a = "tab\there \"quoted\" back\\slash \u00e9 \/ line\nbreak" """);
        Assert.Equal("tab\there \"quoted\" back\\slash \u00e9 / line\nbreak", config.GetString("a"));
    }

    [Fact]
    public void Quoted_strings_should_keep_comment_markers_and_separators()
        => Assert.Equal("http://127.0.0.1:4053 # not a comment, {}", Parse("""a = "http://127.0.0.1:4053 # not a comment, {}" """).GetString("a"));

    [Fact]
    public void Triple_quoted_strings_should_span_lines_without_escapes()
    {
        var config = Parse("a = \"\"\"line one\n  \"line\" two \\n\"\"\"\nb = 1");
        Assert.Equal("line one\n  \"line\" two \\n", config.GetString("a"));
        Assert.Equal(1, config.GetInt("b"));
    }

    [Fact]
    public void Triple_quoted_strings_should_keep_extra_quotes_before_the_closing_delimiter()
        => Assert.Equal("x\"\"", Parse("a = \"\"\"x\"\"\"\"\"").GetString("a"));

    [Fact]
    public void Numbers_booleans_and_null_should_be_read_by_type()
    {
        var config = Parse("i = 42, l = 9000000000, d = 1.5, neg = -3, t = true, f = false, n = null");
        Assert.Equal(42, config.GetInt("i"));
        Assert.Equal(9_000_000_000L, config.GetLong("l"));
        Assert.Equal(1.5, config.GetDouble("d"));
        Assert.Equal(-3, config.GetInt("neg"));
        Assert.True(config.GetBool("t"));
        Assert.False(config.GetBool("f"));
        Assert.False(config.HasPath("n"));
        Assert.True(config.GetValue("n") is HoconScalar { IsNull: true });
        Assert.Equal("42", config.GetString("i"));
    }

    [Fact]
    public void A_quoted_null_should_be_a_string()
        => Assert.Equal("null", Parse("""a = "null" """).GetString("a"));

    [Theory]
    [InlineData("true", true)]
    [InlineData("on", true)]
    [InlineData("yes", true)]
    [InlineData("false", false)]
    [InlineData("off", false)]
    [InlineData("no", false)]
    [InlineData("\"yes\"", true)]
    public void Boolean_words_should_read_as_booleans(string text, bool expected)
        => Assert.Equal(expected, Parse($"a = {text}").GetBool("a"));

    [Fact]
    public void Arrays_should_accept_commas_newlines_and_a_trailing_comma()
    {
        var config = Parse("""
            a = [1, 2, 3]
            b = [
              "x"
              y,
              z,
            ]
            c = []
            """);
        Assert.Equal(["1", "2", "3"], config.GetStringList("a"));
        Assert.Equal(["x", "y", "z"], config.GetStringList("b"));
        Assert.Empty(config.GetStringList("c"));
    }

    [Fact]
    public void Arrays_should_hold_objects_and_nested_arrays()
    {
        var config = Parse("a = [{ x = 1 }, [2, 3]]");
        var array = Assert.IsType<HoconArray>(config.GetValue("a"));
        Assert.Equal("1", ((HoconScalar)((HoconObject)array[0])["x"]).Value);
        Assert.Equal(2, ((HoconArray)array[1]).Count);
    }

    [Fact]
    public void Whitespace_between_values_should_be_kept_in_a_concatenated_string()
        => Assert.Equal("a  b \"c\"", Parse("""x = a  b "\"c\"" """).GetString("x"));

    [Fact]
    public void Plus_equals_should_append_to_a_list()
    {
        var config = Parse("a = [1]\na += 2\nb += x");
        Assert.Equal(["1", "2"], config.GetStringList("a"));
        Assert.Equal(["x"], config.GetStringList("b"));
    }

    [Fact]
    public void Keys_should_keep_the_order_of_first_appearance_and_the_root_should_be_enumerable()
    {
        var config = Parse("b = 1, a = 2, c { d = 3 }, b = 4");
        Assert.Equal(["b", "a", "c"], config.Keys);
        Assert.Equal(["b", "a", "c"], config.Root.Select(kv => kv.Key));
        Assert.Equal(["d"], config.GetConfig("c").Keys);
    }

    [Fact]
    public void An_empty_document_should_give_an_empty_config()
    {
        Assert.Empty(Parse("").Keys);
        Assert.Empty(Parse("  # only a comment\n").Keys);
    }

    [Fact]
    public void A_byte_order_mark_and_windows_line_endings_should_be_accepted()
    {
        var config = Parse("\uFEFFa = 1\r\nb = two\r\n");
        Assert.Equal(1, config.GetInt("a"));
        Assert.Equal("two", config.GetString("b"));
    }
}
