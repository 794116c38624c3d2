using Flock.Messages.Cluster;
using Xunit;

namespace Flock.Tests.Unit.Cluster;

/// <summary>Transfer tokens name their node and only the cluster key can make one.</summary>
public sealed class TransferTokenTests
{
    private static readonly ClusterKey Key = new("k3y");

    [Fact]
    public void Token_should_validate_to_its_node_name()
    {
        Assert.Equal("node-a", Key.ValidateTransferToken(Key.TransferToken("node-a")));
    }

    [Fact]
    public void Token_should_survive_a_node_name_with_colons()
    {
        Assert.Equal("host:4053", Key.ValidateTransferToken(Key.TransferToken("host:4053")));
    }

    [Fact]
    public void Token_with_a_tampered_name_should_be_refused()
    {
        // Another node's name in front of node-a's mac: uploading as someone else must not work.
        var mac = Key.TransferToken("node-a").Split(':')[1];

        Assert.Null(Key.ValidateTransferToken($"node-b:{mac}"));
    }

    [Fact]
    public void Token_with_a_tampered_mac_should_be_refused()
    {
        var token = Key.TransferToken("node-a");
        var flipped = token[..^1] + (token[^1] == '0' ? '1' : '0');

        Assert.Null(Key.ValidateTransferToken(flipped));
    }

    [Fact]
    public void Token_from_another_cluster_key_should_be_refused()
    {
        Assert.Null(Key.ValidateTransferToken(new ClusterKey("other").TransferToken("node-a")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-colon-at-all")]
    [InlineData(":0123abcd")]
    [InlineData("node-a:")]
    public void Malformed_token_should_be_refused(string? token)
    {
        Assert.Null(Key.ValidateTransferToken(token));
    }
}
