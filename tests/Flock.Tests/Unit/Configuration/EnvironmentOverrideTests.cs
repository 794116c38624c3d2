using System.Reflection;
using System.Text.RegularExpressions;
using Flock.Configuration;
using Flock.Node.Options;
using Flock.Seed.Options;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Unit.Configuration;

/// <summary>
/// `${?FLOCK_...}` in the configuration files, read by Akka's HOCON (which resolves no environment variables by
/// itself): every variable the shipped files name must still reach its key, and unset ones must keep the default.
/// </summary>
public sealed partial class EnvironmentOverrideTests
{
    // A value each variable is set to, valid for its key, and the option it must land in.
    private static readonly Dictionary<string, (string Value, string Property)> SeedVariables = new()
    {
        ["FLOCK_CLUSTER_KEY"] = ("env-key", nameof(SeedOptions.ClusterKey)),
        ["FLOCK_CLUSTER_KEY_FILE"] = ("/etc/flock/cluster.key", nameof(SeedOptions.ClusterKeyFile)),
        ["FLOCK_SEED_VERIFY"] = ("frames", nameof(SeedOptions.Verify)),
        ["FLOCK_SEED_HDR"] = ("strict", nameof(SeedOptions.Hdr)),
        ["FLOCK_LOG_FORMAT"] = ("json", nameof(SeedOptions.LogFormat)),
        ["FLOCK_SEED_URLS"] = ("http://0.0.0.0:9000", nameof(SeedOptions.Urls)),
        ["FLOCK_SEED_TLS"] = ("off", nameof(SeedOptions.Tls)),
        ["FLOCK_SEED_REMOTE_PORT"] = ("4100", nameof(SeedOptions.RemotePort)),
        ["FLOCK_SEED_REMOTE_HOST"] = ("seed.lan", nameof(SeedOptions.RemoteHost)),
        ["FLOCK_SEED_TLS_PASSWORD"] = ("pfx \"pass\" #1 \\ // ${?HOME}", nameof(SeedOptions.TlsPassword)),
        ["FLOCK_DATA_DIR"] = ("/var/lib/flock", nameof(SeedOptions.DataDir)),
        ["FLOCK_TOKEN"] = ("admin-from-env", nameof(SeedOptions.AdminToken)),
        ["FLOCK_LOCAL_NODE"] = ("on", nameof(SeedOptions.LocalNode)),
        ["FLOCK_SEED_LIVE"] = ("on", nameof(SeedOptions.Live)),
        ["FLOCK_JOURNAL_PROVIDER"] = ("postgresql", "Journal.Provider"),
        ["FLOCK_JOURNAL_CONNECTION"] = ("Host=db;Username=flock", "Journal.ConnectionString"),
        ["FLOCK_SEED_POSTGRES"] = ("Host=db2;Username=flock", "Journal.ConnectionString"),
        ["FLOCK_SEED_SHARED_DIR"] = ("/mnt/flock", nameof(SeedOptions.SharedDir)),
    };

    private static readonly Dictionary<string, (string Value, string Property)> NodeVariables = new()
    {
        ["FLOCK_CLUSTER_KEY"] = ("env-key", nameof(NodeOptions.ClusterKey)),
        ["FLOCK_CLUSTER_KEY_FILE"] = ("/etc/flock/cluster.key", nameof(NodeOptions.ClusterKeyFile)),
        ["FLOCK_LOG_FORMAT"] = ("json", nameof(NodeOptions.LogFormat)),
        ["FLOCK_SEED"] = ("seed.lan:4053", nameof(NodeOptions.Seed)),
        ["FLOCK_KNOWN_SEEDS"] = ("/etc/flock/known_seeds", nameof(NodeOptions.KnownSeeds)),
        ["FLOCK_ACCEPT_FINGERPRINT"] = ("SHA256:ab12", nameof(NodeOptions.AcceptFingerprint)),
        ["FLOCK_NODE_NAME"] = ("attic", nameof(NodeOptions.Name)),
        ["FLOCK_NODE_REMOTE_HOST"] = ("10.0.0.7", nameof(NodeOptions.RemoteHost)),
        ["FLOCK_NODE_WORK_DIR"] = ("/var/cache/flock-node", nameof(NodeOptions.WorkDir)),
    };

    [Fact]
    public void Every_variable_named_in_seed_conf_should_set_its_key_and_only_its_key()
    {
        Assert.Equal(VariablesIn(typeof(SeedOptions).Assembly, "seed.conf"), SeedVariables.Keys.Order());
        var defaults = SeedConfiguration.Load(null, ConfigFiles.NoEnvironment);
        foreach (var (name, (value, property)) in SeedVariables)
        {
            var options = SeedConfiguration.Load(null, ConfigFiles.Environment((name, value)));
            AssertOnlyChanged(defaults, options, property, value, name);
        }
    }

    [Fact]
    public void Every_variable_named_in_node_conf_should_set_its_key_and_only_its_key()
    {
        Assert.Equal(VariablesIn(typeof(NodeOptions).Assembly, "node.conf"), NodeVariables.Keys.Order());
        var defaults = NodeConfiguration.Load(null, ConfigFiles.NoEnvironment);
        foreach (var (name, (value, property)) in NodeVariables)
        {
            var options = NodeConfiguration.Load(null, ConfigFiles.Environment((name, value)));
            AssertOnlyChanged(defaults, options, property, value, name);
        }
    }

    [Fact]
    public void The_process_environment_should_be_read_when_none_is_given()
    {
        var name = $"FLOCK_TEST_THREADS_{Environment.ProcessId}";
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("node.conf");
        File.WriteAllText(file, $"flock.node.threads = 3\nflock.node.threads = ${{?{name}}}\n");
        Environment.SetEnvironmentVariable(name, "7");
        try
        {
            Assert.Equal(7, NodeConfiguration.Load(file).Threads);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
        Assert.Equal(3, NodeConfiguration.Load(file).Threads);
    }

    [Fact]
    public void A_variable_in_the_user_file_should_override_when_set_and_keep_the_earlier_value_when_unset()
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("node.conf");
        File.WriteAllText(file, """
            flock.node {
              parallel-encodes = 2
              parallel-encodes = ${?MY_ENCODES}
              threads = ${?MY_THREADS}
              heartbeat-interval = 3s, heartbeat-interval = ${?MY_HEARTBEAT}
            }
            """);

        var unset = NodeConfiguration.Load(file, ConfigFiles.NoEnvironment);
        var set = NodeConfiguration.Load(file, ConfigFiles.Environment(("MY_ENCODES", "4"), ("MY_THREADS", "6"), ("MY_HEARTBEAT", "750ms")));

        Assert.Equal((2, 0, TimeSpan.FromSeconds(3)), (unset.ParallelEncodes, unset.Threads, unset.HeartbeatInterval));
        Assert.Equal((4, 6, TimeSpan.FromMilliseconds(750)), (set.ParallelEncodes, set.Threads, set.HeartbeatInterval));
    }

    [Fact]
    public void The_user_file_should_win_over_a_variable_read_by_the_defaults()
    {
        // As before the move to Akka's HOCON: the environment sets the defaults' value, and the user's file is merged over them.
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("seed.conf");
        File.WriteAllText(file, "flock.seed.urls = \"http://127.0.0.1:7000\"\n");

        var options = SeedConfiguration.Load(file, ConfigFiles.Environment(("FLOCK_SEED_URLS", "http://0.0.0.0:9000"), ("FLOCK_DATA_DIR", "/srv/flock")));

        Assert.Equal("http://127.0.0.1:7000", options.Urls);
        Assert.Equal("/srv/flock", options.DataDir);
    }

    [Fact]
    public void An_unset_required_variable_should_be_an_error_naming_it_and_the_file()
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("node.conf");
        File.WriteAllText(file, "flock.node.name = ${NODE_NAME_FROM_ENV}\n");

        var e = Assert.Throws<ConfigException>(() => NodeConfiguration.Load(file, ConfigFiles.NoEnvironment));
        var set = NodeConfiguration.Load(file, ConfigFiles.Environment(("NODE_NAME_FROM_ENV", "cellar")));

        Assert.Contains("NODE_NAME_FROM_ENV", e.Message, StringComparison.Ordinal);
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        Assert.Equal("cellar", set.Name);
    }

    [Fact]
    public void Substitutions_inside_quotes_or_comments_should_be_left_alone()
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("node.conf");
        File.WriteAllText(file, """
            # name = ${UNSET_IN_A_COMMENT}
            flock.node.name = "literally ${?FLOCK_NODE_NAME}" // and ${UNSET_AFTER_A_COMMENT}
            """);

        var options = NodeConfiguration.Load(file, ConfigFiles.Environment(("FLOCK_NODE_NAME", "attic")));

        Assert.Equal("literally ${?FLOCK_NODE_NAME}", options.Name);
    }

    [Fact]
    public void Config_paths_in_lower_case_should_still_be_substituted_by_akka()
    {
        using var scratch = ScratchDirectory.Create();
        var file = scratch.File("node.conf");
        File.WriteAllText(file, "flock.node { reconnect-min = 3s, reconnect-max = ${flock.node.reconnect-min} }\n");

        Assert.Equal(TimeSpan.FromSeconds(3), NodeConfiguration.Load(file, ConfigFiles.NoEnvironment).ReconnectMax);
    }

    private static void AssertOnlyChanged(object defaults, object options, string property, string value, string variable)
    {
        var before = Flatten(defaults);
        var after = Flatten(options);
        foreach (var (name, old) in before)
        {
            if (name == property)
            {
                var expected = after[name] switch
                {
                    bool => value == "on",
                    int => int.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
                    _ => (object)value,
                };
                Assert.True(Equals(expected, after[name]), $"{variable}={value} should set {property}, which is {after[name]}");
            }
            else
            {
                Assert.True(Equals(old, after[name]) || (old is List<string> a && after[name] is List<string> b && a.SequenceEqual(b)), $"{variable} also changed {name}");
            }
        }
    }

    private static Dictionary<string, object?> Flatten(object options, string prefix = "")
    {
        var result = new Dictionary<string, object?>();
        foreach (var p in options.GetType().GetProperties())
        {
            var value = p.GetValue(options);
            if (value is not null && p.PropertyType.IsClass && p.PropertyType != typeof(string) && p.PropertyType != typeof(List<string>))
                foreach (var kv in Flatten(value, $"{prefix}{p.Name}.")) result.Add(kv.Key, kv.Value);
            else result.Add(prefix + p.Name, value);
        }
        return result;
    }

    private static IEnumerable<string> VariablesIn(Assembly assembly, string resource)
    {
        using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
        // Comment lines explain the syntax with placeholder names; only assignments count.
        var assignments = reader.ReadToEnd().Split('\n').Where(line => !line.TrimStart().StartsWith('#'));
        return assignments.SelectMany(line => Variable().Matches(line)).Select(m => m.Groups[1].Value).Distinct().Order();
    }

    [GeneratedRegex(@"\$\{\?([A-Z_][A-Z0-9_]*)\}")]
    private static partial Regex Variable();
}
