using System.Security.Cryptography;
using System.Text;
using Flock.Messages.Cluster;
using Xunit;

namespace Flock.Tests.Unit.Cluster;

/// <summary>Join proofs: each side proves the key without sending it, and no proof can stand in for another.</summary>
public sealed class ClusterKeyProofTests
{
    private static readonly ClusterKey Key = new("correct horse battery staple");

    [Fact]
    public void Node_proof_should_be_the_documented_hmac_so_other_implementations_can_join()
    {
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes("correct horse battery staple"), Encoding.UTF8.GetBytes("node|s1|n1|node-a")));

        Assert.Equal(expected, Key.NodeProof("s1", "n1", "node-a"));
    }

    [Fact]
    public void Seed_proof_should_differ_from_the_node_proof_for_the_same_nonces()
    {
        // Otherwise a fake seed could echo the node's own proof back to it.
        Assert.NotEqual(Key.NodeProof("s1", "n1", "node-a"), Key.SeedProof("s1", "n1", "node-a"));
        Assert.NotEqual(Key.NodeProof("n1", "s1", "node-a"), Key.SeedProof("s1", "n1", "node-a"));
    }

    [Fact]
    public void Proofs_should_depend_on_both_nonces_and_the_name()
    {
        foreach (var proof in new Func<string, string, string, string>[] { Key.NodeProof, Key.SeedProof })
        {
            var original = proof("s1", "n1", "node-a");
            Assert.NotEqual(original, proof("s2", "n1", "node-a"));
            Assert.NotEqual(original, proof("s1", "n2", "node-a"));
            Assert.NotEqual(original, proof("s1", "n1", "node-b"));
            Assert.Equal(original, proof("s1", "n1", "node-a"));
        }
    }

    [Fact]
    public void Proofs_should_differ_for_a_different_key()
    {
        var other = new ClusterKey("another key");

        Assert.NotEqual(Key.NodeProof("s1", "n1", "node-a"), other.NodeProof("s1", "n1", "node-a"));
        Assert.NotEqual(Key.SeedProof("s1", "n1", "node-a"), other.SeedProof("s1", "n1", "node-a"));
    }

    [Fact]
    public void Key_should_ignore_surrounding_whitespace()
    {
        // The key file ends with a newline and people paste keys with spaces.
        Assert.Equal(Key.NodeProof("s1", "n1", "node-a"), new ClusterKey("  correct horse battery staple\n").NodeProof("s1", "n1", "node-a"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_key_should_be_refused(string key)
    {
        Assert.Throws<ArgumentException>(() => new ClusterKey(key));
    }

    [Fact]
    public void Nonces_should_be_fresh_128_bit_hex()
    {
        var a = ClusterKey.NewNonce();
        var b = ClusterKey.NewNonce();

        Assert.Matches("^[0-9a-f]{32}$", a);
        Assert.NotEqual(a, b);
    }
}
