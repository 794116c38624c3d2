using Flock.Seed.Cluster;
using Flock.Seed.Options;
using Xunit;

namespace Flock.Tests.Unit.Cluster;

/// <summary>A node whose chunks keep failing is set aside for a while, and comes back by itself.</summary>
public sealed class NodeHealthTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly QuarantineOptions Options = new() { Failures = 3, Window = TimeSpan.FromMinutes(5), Duration = TimeSpan.FromMinutes(2) };

    [Fact]
    public void Node_should_be_quarantined_when_enough_different_chunks_fail_inside_the_window()
    {
        var health = NodeHealth.Healthy
            .ChunkFailed("1/0", T0, Options)
            .ChunkFailed("1/1", T0.AddMinutes(1), Options);
        Assert.False(health.IsQuarantined(T0.AddMinutes(1)));

        health = health.ChunkFailed("2/0", T0.AddMinutes(2), Options);

        Assert.True(health.IsQuarantined(T0.AddMinutes(2)));
        Assert.Equal(T0.AddMinutes(4), health.QuarantinedUntil);
    }

    [Fact]
    public void The_same_chunk_failing_again_should_count_once()
    {
        var health = NodeHealth.Healthy;
        for (var i = 0; i < 6; i++) health = health.ChunkFailed("1/3", T0.AddSeconds(i), Options);

        Assert.False(health.IsQuarantined(T0.AddSeconds(6)));
        Assert.Single(health.Failures);
    }

    [Fact]
    public void Failures_older_than_the_window_should_be_forgotten()
    {
        var health = NodeHealth.Healthy
            .ChunkFailed("1/0", T0, Options)
            .ChunkFailed("1/1", T0.AddMinutes(1), Options)
            .ChunkFailed("1/2", T0.AddMinutes(7), Options);

        Assert.False(health.IsQuarantined(T0.AddMinutes(7)));
        Assert.Equal(["1/2"], health.Failures.Select(f => f.Chunk));
    }

    [Fact]
    public void Quarantine_should_end_by_itself_after_its_duration_with_a_clean_slate()
    {
        var health = NodeHealth.Healthy.ChunkFailed("a", T0, Options).ChunkFailed("b", T0, Options).ChunkFailed("c", T0, Options);

        Assert.True(health.IsQuarantined(T0.AddMinutes(2).AddSeconds(-1)));
        Assert.False(health.IsQuarantined(T0.AddMinutes(2)));
        var back = health.Expire(T0.AddMinutes(2));
        Assert.Null(back.QuarantinedUntil);
        Assert.Empty(back.Failures);
        Assert.Same(health, health.Expire(T0.AddMinutes(1)));
    }

    [Fact]
    public void Disabled_quarantine_should_never_set_a_node_aside()
    {
        var off = Options with { Enabled = false };
        var health = NodeHealth.Healthy;
        foreach (var chunk in new[] { "a", "b", "c", "d" }) health = health.ChunkFailed(chunk, T0, off);

        Assert.False(health.IsQuarantined(T0));
    }
}
