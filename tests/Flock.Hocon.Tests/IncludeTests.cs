namespace Flock.Hocon.Tests;

public sealed class IncludeTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "flock-hocon-" + Guid.NewGuid().ToString("N"));

    public IncludeTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string relativePath, string text)
    {
        var path = Path.Combine(_directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Load_should_read_a_file()
        => Assert.Equal(4053, HoconConfig.Load(Write("seed.conf", "port = 4053"), _ => null).GetInt("port"));

    [Fact]
    public void Load_should_report_a_missing_file_with_its_path()
    {
        var path = Path.Combine(_directory, "absent.conf");
        var error = Assert.Throws<HoconException>(() => HoconConfig.Load(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Syntax_errors_in_a_loaded_file_should_name_the_file_line_and_column()
    {
        var path = Write("seed.conf", "flock {\n  seed {\n    port = 1\n");
        var error = Assert.Throws<HoconException>(() => HoconConfig.Load(path, _ => null));
        Assert.Equal($"{path}:4:1: expected '}}' but found end of file", error.Message);
        Assert.Equal(path, error.Origin?.File);
    }

    [Fact]
    public void Include_should_be_relative_to_the_including_file_and_later_keys_should_override_it()
    {
        Write("conf/defaults.conf", "seed { port = 1, host = localhost }");
        var main = Write("conf/main.conf", """
            include "defaults.conf"
            seed.port = 2
            """);
        var config = HoconConfig.Load(main, _ => null);
        Assert.Equal(2, config.GetInt("seed.port"));
        Assert.Equal("localhost", config.GetString("seed.host"));
    }

    [Fact]
    public void Included_keys_should_override_earlier_keys()
    {
        Write("override.conf", "a = from-include");
        var main = Write("main.conf", "a = from-main\ninclude \"override.conf\"");
        Assert.Equal("from-include", HoconConfig.Load(main, _ => null).GetString("a"));
    }

    [Fact]
    public void Include_inside_an_object_should_nest_the_included_keys()
    {
        Write("journal.conf", "provider = sqlite");
        var main = Write("main.conf", "seed { journal { include \"journal.conf\" } }");
        Assert.Equal("sqlite", HoconConfig.Load(main, _ => null).GetString("seed.journal.provider"));
    }

    [Fact]
    public void Nested_includes_should_resolve_relative_to_each_file()
    {
        Write("a/b/inner.conf", "x = 1");
        Write("a/middle.conf", "include \"b/inner.conf\"\ny = 2");
        var main = Write("main.conf", "include required(\"a/middle.conf\")");
        var config = HoconConfig.Load(main, _ => null);
        Assert.Equal(1, config.GetInt("x"));
        Assert.Equal(2, config.GetInt("y"));
    }

    [Fact]
    public void Substitutions_in_an_included_file_should_resolve_against_the_whole_document()
    {
        Write("defaults.conf", "data-dir = ${root}/data");
        var main = Write("main.conf", "root = /srv\ninclude \"defaults.conf\"");
        Assert.Equal("/srv/data", HoconConfig.Load(main, _ => null).GetString("data-dir"));
    }

    [Fact]
    public void A_missing_included_file_should_be_an_error_naming_its_path()
    {
        var main = Write("main.conf", "a = 1\ninclude \"missing.conf\"");
        var error = Assert.Throws<HoconException>(() => HoconConfig.Load(main, _ => null));
        Assert.Contains(Path.Combine(_directory, "missing.conf"), error.Message);
        Assert.StartsWith($"{main}:2:9:", error.Message);
    }

    [Fact]
    public void Errors_inside_an_included_file_should_name_that_file()
    {
        var inner = Write("inner.conf", "a = [1");
        var main = Write("main.conf", "include \"inner.conf\"");
        var error = Assert.Throws<HoconException>(() => HoconConfig.Load(main, _ => null));
        Assert.StartsWith($"{inner}:1:7:", error.Message);
    }

    [Fact]
    public void An_include_cycle_should_be_reported()
    {
        Write("a.conf", "include \"b.conf\"");
        Write("b.conf", "include \"a.conf\"");
        var error = Assert.Throws<HoconException>(() => HoconConfig.Load(Path.Combine(_directory, "a.conf"), _ => null));
        Assert.Contains("include cycle", error.Message);
    }

    [Fact]
    public void A_key_named_include_should_still_be_usable_when_not_followed_by_a_file_name()
        => Assert.Equal(1, HoconConfig.Parse("include = 1", _ => null).GetInt("include"));
}
