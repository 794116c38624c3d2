using Flock.Seed.Cluster;
using Flock.Seed.Options;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Unit.Cluster;

/// <summary>What decides whether a seed may run as one of several members, and how the members find each other.</summary>
public sealed class SeveralSeedMembersTests
{
    [Fact]
    public void A_lone_seed_should_keep_everything_in_its_data_dir()
    {
        var options = new SeedOptions { DataDir = "/var/lib/flock-seed" };
        Assert.Null(options.SeveralMembersRefusal());
        Assert.False(options.SeveralMembers());
        Assert.Equal("/var/lib/flock-seed", options.StateDirectory());
    }

    [Fact]
    public void Peers_without_a_shared_dir_should_be_refused_naming_the_key()
    {
        var options = new SeedOptions { Peers = ["a:9110"], Journal = new JournalOptions { Provider = "postgresql", ConnectionString = "Host=db" } };
        Assert.Contains("flock.seed.shared-dir", options.SeveralMembersRefusal());
    }

    [Fact]
    public void A_shared_dir_on_sqlite_should_be_refused_because_the_members_could_not_share_the_journal()
    {
        var options = new SeedOptions { SharedDir = "/mnt/flock" };
        Assert.Contains("flock.seed.journal.provider = postgresql", options.SeveralMembersRefusal());
    }

    [Fact]
    public void A_shared_dir_on_postgresql_should_hold_the_cluster_state_instead_of_the_data_dir()
    {
        var options = new SeedOptions { DataDir = "/var/lib/flock-seed", SharedDir = "/mnt/flock", Journal = new JournalOptions { Provider = "postgresql", ConnectionString = "Host=db" } };
        Assert.Null(options.SeveralMembersRefusal());
        Assert.Equal("/mnt/flock", options.StateDirectory());
    }

    [Theory]
    [InlineData("a:9110", true, "https://a:9110/")]
    [InlineData("a:9110", false, "http://a:9110/")]
    [InlineData("https://b.lan:9443", false, "https://b.lan:9443/")]
    public void A_peer_should_take_the_seeds_own_scheme_unless_it_names_one(string peer, bool tls, string expected) =>
        Assert.Equal(expected, SeedPeers.UrlOf(peer, tls).ToString());

    [Theory]
    [InlineData("ftp://a:21")]
    [InlineData("a b")]
    public void A_peer_that_is_no_web_address_should_be_refused_naming_it(string peer) =>
        Assert.Contains(peer, Assert.Throws<ArgumentException>(() => SeedPeers.UrlOf(peer, tls: true)).Message);

    [Fact]
    public void The_registry_should_map_a_members_address_to_its_web_address_until_it_is_forgotten()
    {
        using var scratch = ScratchDirectory.Create();
        var registry = new SeedMemberRegistry(scratch.Path);
        registry.Record("akka.ssl.tcp://flock@10.0.0.1:4053", new Uri("https://10.0.0.1:9110/"));
        registry.Record("akka.ssl.tcp://flock@10.0.0.2:4053", new Uri("https://10.0.0.2:9110/"));
        // A member that starts again at the same address replaces its entry.
        registry.Record("akka.ssl.tcp://flock@10.0.0.1:4053", new Uri("https://10.0.0.1:9111/"));

        Assert.Equal(new Uri("https://10.0.0.1:9111/"), registry.UrlOf("akka.ssl.tcp://flock@10.0.0.1:4053"));
        Assert.Equal(2, registry.All().Count);
        registry.Forget("akka.ssl.tcp://flock@10.0.0.1:4053");
        Assert.Null(registry.UrlOf("akka.ssl.tcp://flock@10.0.0.1:4053"));
        Assert.Single(registry.All());
    }

    [Fact]
    public void A_damaged_registry_entry_should_be_skipped_not_fatal()
    {
        using var scratch = ScratchDirectory.Create();
        var registry = new SeedMemberRegistry(scratch.Path);
        registry.Record("akka.ssl.tcp://flock@10.0.0.2:4053", new Uri("https://10.0.0.2:9110/"));
        File.WriteAllText(Path.Combine(scratch.Path, SeedMemberRegistry.DirectoryName, "torn.json"), "{\"address\":");
        Assert.Single(registry.All());
    }
}
