namespace Flock.Hocon.Tests;

public class SyntaxErrorTests
{
    private static HoconException Fails(string text)
        => Assert.Throws<HoconException>(() => HoconConfig.Parse(text, _ => null));

    [Fact]
    public void A_missing_closing_brace_should_report_line_and_column_of_the_end_of_file()
    {
        var error = Fails("a {\n  b = 1\n");
        Assert.Equal("3:1: expected '}' but found end of file", error.Message);
        Assert.Equal(new HoconOrigin(null, 3, 1), error.Origin);
    }

    [Fact]
    public void A_missing_closing_bracket_should_be_reported()
        => Assert.Contains("expected ']' but found end of file", Fails("a = [1, 2").Message);

    [Fact]
    public void A_stray_closing_brace_should_be_reported()
        => Assert.Equal("1:7: unexpected '}' (no matching '{')", Fails("a = 1 }").Message);

    [Fact]
    public void A_key_without_separator_should_be_reported()
        => Assert.Equal("2:3: expected '=', ':' or '{' after key 'b' but found newline", Fails("a = 1\nb \n").Message);

    [Fact]
    public void A_missing_value_should_be_reported()
        => Assert.Equal("1:4: expected a value but found newline", Fails("a =\nb = 1").Message);

    [Fact]
    public void Two_values_without_separator_should_be_reported()
        => Assert.Contains("unexpected '=' in a value", Fails("a = 1 b = 2").Message);

    [Fact]
    public void A_colon_in_an_unquoted_value_should_ask_for_quotes()
        => Assert.Contains("quote strings that contain ':'", Fails("url = localhost:4053").Message);

    [Fact]
    public void An_unterminated_quoted_string_should_be_reported()
        => Assert.Equal("1:5: unterminated quoted string (use \"\"\" for multi-line strings)", Fails("a = \"abc\nb = 1").Message);

    [Fact]
    public void An_unterminated_triple_quoted_string_should_be_reported()
        => Assert.Contains("unterminated triple-quoted string", Fails("a = \"\"\"abc").Message);

    [Fact]
    public void An_invalid_escape_should_be_reported()
        => Assert.Equal("1:7: invalid escape '\\q' in quoted string", Fails("a = \"x\\q\"").Message);

    [Fact]
    public void An_invalid_unicode_escape_should_be_reported()
        => Assert.Contains("invalid \\u escape", Fails("a = \"\\u12\"").Message);

    [Fact]
    public void An_unterminated_substitution_should_be_reported()
        => Assert.Contains("unterminated substitution", Fails("a = ${b").Message);

    [Fact]
    public void An_empty_substitution_should_be_reported()
        => Assert.Contains("empty substitution", Fails("a = ${}").Message);

    [Fact]
    public void An_empty_key_segment_should_be_reported()
        => Assert.Contains("empty key segment", Fails("a..b = 1").Message);

    [Fact]
    public void Double_commas_should_be_reported()
        => Assert.Contains("expected a key but found ','", Fails("a = 1,, b = 2").Message);

    [Fact]
    public void A_root_list_should_be_reported()
        => Assert.Contains("must be an object", Fails("[1, 2]").Message);

    [Fact]
    public void Content_after_root_braces_should_be_reported()
        => Assert.Equal("1:11: expected end of file but found 'b'", Fails("{ a = 1 } b = 2").Message);

    [Fact]
    public void Garbage_after_a_list_element_should_be_reported()
        => Assert.Contains("expected ',' or ']' in a list but found '}'", Fails("a = [1 } 2]").Message);

    [Fact]
    public void Concatenating_an_object_with_a_string_should_be_reported()
        => Assert.Contains("cannot concatenate", Fails("a = { x = 1 } foo").Message);
}
