using Akka.Actor;
using Akka.Hosting;
using Flock.Configuration;
using Flock.Seed.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Flock.Node.Options;
using Flock.Seed.Options;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Unit.Configuration;

/// <summary>
/// What a wrong configuration file gets: one line naming the file and the key, never a silently ignored value.
/// Only `flock { }` is checked key by key; `akka { }` belongs to Akka and is handed on as it is.
/// </summary>
public sealed class ValidationTests : IDisposable
{
    private readonly ScratchDirectory _scratch = ScratchDirectory.Create();

    public void Dispose() => _scratch.Dispose();

    private string Write(string text)
    {
        var file = _scratch.File($"{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, text);
        return file;
    }

    private ConfigException SeedError(string text)
    {
        var file = Write(text);
        var e = Assert.Throws<ConfigException>(() => SeedConfiguration.Load(file, ConfigFiles.NoEnvironment));
        Assert.StartsWith(file + ":", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Theory]
    [InlineData("flock.seed.unreachable-aftr = 45s", "unknown key 'flock.seed.unreachable-aftr' (did you mean 'unreachable-after'?)")]
    [InlineData("flock.seed.speculation { min-elapsd = 5s }", "unknown key 'flock.seed.speculation.min-elapsd' (did you mean 'min-elapsed'?)")]
    [InlineData("flock.seed.journal.provder = sqlite", "unknown key 'flock.seed.journal.provder' (did you mean 'provider'?)")]
    [InlineData("flock.seed.completely-different = 1", "unknown key 'flock.seed.completely-different'")]
    [InlineData("flock.sed.urls = \"http://x:1\"", "unknown key 'flock.sed' (did you mean 'seed'?)")]
    [InlineData("flok.seed.urls = \"http://x:1\"", "unknown key 'flok' (did you mean 'flock'?)")]
    [InlineData("flock.cluster.kye = s3cret", "unknown key 'flock.cluster.kye' (did you mean 'key'?)")]
    [InlineData("flock.log { fromat = json }", "unknown key 'flock.log.fromat' (did you mean 'format'?)")]
    public void An_unknown_key_should_be_an_error_naming_the_key_and_the_file(string line, string message)
    {
        var e = SeedError(line + "\n");

        Assert.EndsWith(message, e.Message.Split(" (a file holds")[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flock.seed.retention.mode = forget", "flock.seed.retention.mode must be compact or keep, not 'forget'")]
    [InlineData("flock.seed.retention.keep-jobs = -1", "flock.seed.retention.keep-jobs must be 0 or more, not -1")]
    public void A_retention_other_than_compact_or_keep_with_a_count_should_be_an_error_naming_the_file(string line, string message)
    {
        Assert.EndsWith(": " + message, SeedError(line + "\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retention_should_compact_beyond_twenty_jobs_by_default_and_keep_everything_when_asked()
    {
        var defaults = SeedConfiguration.Load(null, ConfigFiles.NoEnvironment).Retention;
        Assert.Equal((true, 20), (defaults.Compacts(), defaults.KeepJobs));
        Assert.False(SeedConfiguration.Load(Write("flock.seed.retention { mode = keep }\n"), ConfigFiles.NoEnvironment).Retention.Compacts());
    }

    [Fact]
    public void An_unknown_key_without_a_close_match_should_get_no_suggestion()
    {
        Assert.DoesNotContain("did you mean", SeedError("flock.seed.zzzzzzzzzz = 1\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_property_that_is_not_an_option_should_count_as_an_unknown_key()
    {
        // ChunkSizing() is a method and LogFormat a bound property; a method name is no key.
        SeedError("flock.seed.chunk-sizing = 1\n");
    }

    [Theory]
    [InlineData("heartbeat-interval = fast", "'flock.seed.heartbeat-interval' should be a duration such as 5s, 250ms or 2m but is 'fast'")]
    [InlineData("heartbeat-interval = -5s", "'flock.seed.heartbeat-interval' should be a duration such as 5s, 250ms or 2m but is '-5s'")]
    [InlineData("heartbeat-interval = infinite", "'flock.seed.heartbeat-interval' should be a duration such as 5s, 250ms or 2m but is 'infinite'")]
    [InlineData("max-upload-size = lots", "'flock.seed.max-upload-size' should be a byte size such as 512k, 64MiB or 10GB but is 'lots'")]
    [InlineData("max-upload-size = -1", "'flock.seed.max-upload-size' should be a byte size such as 512k, 64MiB or 10GB but is '-1'")]
    [InlineData("max-chunks-per-job = 2.5", "'flock.seed.max-chunks-per-job' should be a whole number but is '2.5'")]
    [InlineData("max-chunks-per-job = 99999999999", "'flock.seed.max-chunks-per-job' should be a whole number but is '99999999999'")]
    [InlineData("default-chunk-seconds = half", "'flock.seed.default-chunk-seconds' should be a number but is 'half'")]
    [InlineData("tls = maybe", "'flock.seed.tls' should be a boolean (true/false, on/off, yes/no) but is 'maybe'")]
    [InlineData("media-roots = \"/srv\"", "'flock.seed.media-roots' should be a list of strings but is '/srv'")]
    [InlineData("media-roots = [ \"/srv\", { a = 1 } ]", "'flock.seed.media-roots[1]' should be a string but is an object")]
    [InlineData("urls = [ \"http://a:1\" ]", "'flock.seed.urls' should be a string but is a list")]
    [InlineData("urls = null", "'flock.seed.urls' should be a string but is null")]
    [InlineData("speculation = 5", "'flock.seed.speculation' should be an object (speculation-options) but is '5'")]
    [InlineData("quarantine { window = soon }", "'flock.seed.quarantine.window' should be a duration such as 5s, 250ms or 2m but is 'soon'")]
    public void A_value_of_the_wrong_type_should_be_one_line_naming_the_key_and_what_it_should_be(string line, string message)
    {
        var e = SeedError($"flock.seed {{\n  {line}\n}}\n");

        Assert.EndsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_section_that_is_not_an_object_should_be_an_error()
    {
        Assert.EndsWith("'flock.seed' should be an object but is '5'", SeedError("flock.seed = 5\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_sizes_and_booleans_should_be_read_in_every_documented_form()
    {
        var file = Write("""
            flock.seed {
              heartbeat-interval = 250ms
              unreachable-after = 7s
              removal-margin = 1500ms
              orphan-grace = 2m
              quarantine { window = 1.5h, duration = 10 seconds }
              max-upload-size = 64MiB
              min-free-space = 10GB
              tls = off
              local-node = yes
              prefer-scene-cuts = no
              speculation.enabled = false
              quarantine.enabled = on
            }
            """);

        var o = SeedConfiguration.Load(file, ConfigFiles.NoEnvironment);

        Assert.Equal(TimeSpan.FromMilliseconds(250), o.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(7), o.UnreachableAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), o.RemovalMargin);
        Assert.Equal(TimeSpan.FromMinutes(2), o.OrphanGrace);
        Assert.Equal(TimeSpan.FromMinutes(90), o.Quarantine.Window);
        Assert.Equal(TimeSpan.FromSeconds(10), o.Quarantine.Duration);
        Assert.Equal(64L << 20, o.MaxUploadSize);
        Assert.Equal(10_000_000_000L, o.MinFreeSpace);
        Assert.Equal((false, true, false, false, true), (o.Tls, o.LocalNode, o.PreferSceneCuts, o.Speculation.Enabled, o.Quarantine.Enabled));
    }

    [Fact]
    public void Nested_sections_should_keep_the_defaults_of_the_keys_not_given()
    {
        var o = SeedConfiguration.Load(Write("flock.seed.quarantine.failures = 7\n"), ConfigFiles.NoEnvironment);

        Assert.Equal(7, o.Quarantine.Failures);
        Assert.Equal(TimeSpan.FromMinutes(5), o.Quarantine.Window);
        Assert.True(o.Quarantine.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(10), o.Speculation.MinElapsed);
    }

    [Fact]
    public void Lists_should_be_read_in_order()
    {
        var o = SeedConfiguration.Load(Write("flock.seed { media-roots = [ \"/srv/a\", /srv/b ]\n read-only-tokens = [] }\n"), ConfigFiles.NoEnvironment);

        Assert.Equal(["/srv/a", "/srv/b"], o.MediaRoots);
        Assert.Empty(o.ReadOnlyTokens);
    }

    [Fact]
    public void A_syntax_error_should_be_one_error_naming_the_file()
    {
        // Unquoted, `//` starts a comment and leaves `https:` with a colon Akka's parser refuses.
        var e = SeedError("flock.seed.urls = https://127.0.0.1:1\n");

        Assert.NotNull(e.InnerException);
    }

    [Theory]
    [InlineData("flock.seed.media-roots = [ \"/srv/a\", \"/srv/b\" }]", "1:47: '}' cannot close the '[' opened at line 1:26")]
    [InlineData("flock.seed {\n  media-roots = [ \"/srv/a\"\n}", "3:1: '}' cannot close the '[' opened at line 2:17")]
    [InlineData("flock.seed.media-roots = [ \"/srv/a\"", "1:26: '[' is never closed")]
    [InlineData("flock.seed.media-roots = [ \"/srv/a\",\\ \"/srv/b\" ]", "1:37: '\\' outside a quoted string")]
    [InlineData("flock.seed.media-roots = [ \"/srv/a\", =2 ]", "1:38: '=' in a list outside a quoted string")]
    [InlineData("flock.seed.urls = ${?H[OME}", "1:19: '${H[OME}' is not a path")]
    [InlineData("flock.seed.urls = $ x", "1:19: '$' outside a quoted string that starts no ${ substitution")]
    [InlineData("flock.seed.urls = \"https://a:1", "1:19: a quoted string is never closed on its line")]
    public async Task Text_that_would_send_akkas_parser_into_an_endless_loop_should_be_refused_at_once(string text, string message)
    {
        // Each of these made Akka's HOCON parser loop, allocating without end (10 GB in a minute).
        var file = Write(text);
        var load = Task.Run(() => SeedConfiguration.Load(file, ConfigFiles.NoEnvironment));

        var e = await Assert.ThrowsAsync<ConfigException>(() => load.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal($"{file}:{message}", e.Message);
    }

    [Fact]
    public void A_missing_user_file_should_be_an_error_naming_it()
    {
        var missing = _scratch.File("absent.conf");

        var e = Assert.Throws<ConfigException>(() => NodeConfiguration.Load(missing, ConfigFiles.NoEnvironment));

        Assert.StartsWith(missing + ": ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_akka_section_should_be_accepted_unchecked_and_handed_on()
    {
        var file = Write("""
            akka {
              loglevel = DEBUG
              remote.dot-netty.tcp { port = 4053, hostname = 127.0.0.1 }
              any-key-akka-may-add-later = 1
            }
            flock.seed.default-chunk-seconds = 12
            """);

        var (options, config) = SeedConfiguration.Read(file, ConfigFiles.NoEnvironment);

        Assert.Equal(12, options.DefaultChunkSeconds);
        Assert.Equal("DEBUG", config.Merged.GetString("akka.loglevel"));
        Assert.Equal(4053, config.Merged.GetInt("akka.remote.dot-netty.tcp.port"));
    }

    [Fact]
    public async Task An_akka_section_should_reach_the_actor_system_over_flocks_own_settings()
    {
        // Flock itself sets akka.loglevel = WARNING: the user's file has to win over that, not only be read.
        var file = Write("""
            akka {
              loglevel = DEBUG
              remote.use-passive-connections = off
            }
            flock.node.threads = 2
            """);
        var options = NodeConfiguration.Load(file, ConfigFiles.NoEnvironment);

        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka(AkkaConfiguration.SystemName, akka => akka.ConfigureFlockCommon().WithAkkaSection(options.AkkaSection)))
            .Build();
        await host.StartAsync();
        var config = host.Services.GetRequiredService<ActorSystem>().Settings.Config;
        Assert.Equal("DEBUG", config.GetString("akka.loglevel"));
        Assert.False(config.GetBoolean("akka.remote.use-passive-connections"));
        await host.StopAsync();
    }

    [Fact]
    public void A_file_without_an_akka_section_should_hand_akka_nothing() =>
        Assert.Null(NodeConfiguration.Load(Write("flock.node.threads = 2\n"), ConfigFiles.NoEnvironment).AkkaSection);

    [Fact]
    public void One_file_should_serve_both_a_seed_and_a_node()
    {
        var file = Write("""
            flock {
              cluster.key = shared
              seed { default-chunk-seconds = 12 }
              node { threads = 2 }
            }
            """);

        Assert.Equal(("shared", 12.0), (SeedConfiguration.Load(file, ConfigFiles.NoEnvironment) is var s ? (s.ClusterKey, s.DefaultChunkSeconds) : default));
        Assert.Equal(("shared", 2), (NodeConfiguration.Load(file, ConfigFiles.NoEnvironment) is var n ? (n.ClusterKey, n.Threads) : default));
    }

    [Fact]
    public void Kebab_camel_and_pascal_case_keys_should_all_reach_the_same_option()
    {
        var o = NodeConfiguration.Load(Write("flock.node { parallel-encodes = 2, seedUnreachableAfter = 4s, ReconnectMax = 9s }\n"), ConfigFiles.NoEnvironment);

        Assert.Equal((2, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(9)), (o.ParallelEncodes, o.SeedUnreachableAfter, o.ReconnectMax));
    }

    [Fact]
    public void The_shipped_files_should_load_as_the_user_file_too()
    {
        // The realistic case: an operator copies hocon/seed.conf or node.conf, edits it and passes it with --config.
        foreach (var (resource, load) in new (string, Func<string, object>)[]
        {
            ("seed.conf", f => SeedConfiguration.Load(f, ConfigFiles.NoEnvironment)),
            ("node.conf", f => NodeConfiguration.Load(f, ConfigFiles.NoEnvironment)),
        })
        {
            var assembly = resource == "seed.conf" ? typeof(SeedOptions).Assembly : typeof(NodeOptions).Assembly;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var copy = reader.ReadToEnd().Replace("parallel-encodes = 1", "parallel-encodes = 3").Replace("default-chunk-seconds = 30", "default-chunk-seconds = 20");
            var loaded = load(Write(copy));
            if (loaded is SeedOptions seed) Assert.Equal(20, seed.DefaultChunkSeconds);
            if (loaded is NodeOptions node) Assert.Equal(3, node.ParallelEncodes);
        }
    }
}
