using Flock.Media.Planning;

namespace Flock.Seed.Options;

/// <summary>The `flock.seed` section of seed.conf; every key is documented there.</summary>
public sealed class SeedOptions
{
    public string Urls { get; set; } = "http://127.0.0.1:4053";

    public string DataDir { get; set; } = ".flock/seed";

    public string AdminToken { get; set; } = "";

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan UnreachableAfter { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan OrphanGrace { get; set; } = TimeSpan.FromSeconds(10);

    [Flock.Hocon.ByteSize]
    public long MaxUploadSize { get; set; } = 64L << 30;

    public double DefaultChunkSeconds { get; set; } = 30;

    /// <summary>`local-node = on`: the seed process also runs an encoder node (configured by node.conf and FLOCK_NODE_* as usual).</summary>
    public bool LocalNode { get; set; }

    public int TailChunks { get; set; } = 4;

    public double MinChunkSeconds { get; set; } = 2;

    public bool PreferSceneCuts { get; set; } = true;

    public JournalOptions Journal { get; set; } = new();

    /// <summary>The seed's way of cutting jobs, with the default chunk length standing in for each job's own.</summary>
    public ChunkSizing ChunkSizing() => new(DefaultChunkSeconds, TailChunks, MinChunkSeconds, PreferSceneCuts);

    /// <summary>From `flock.log.format`: text or json.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>From `flock.cluster.key`.</summary>
    public string ClusterKey { get; set; } = "";
}

public sealed class JournalOptions
{
    public string Provider { get; set; } = "sqlite";

    public string ConnectionString { get; set; } = "";
}
