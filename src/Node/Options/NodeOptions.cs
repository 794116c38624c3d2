namespace Flock.Node.Options;

/// <summary>The `flock.node` section of node.conf; every key is documented there.</summary>
public sealed class NodeOptions
{
    public string Seed { get; set; } = "127.0.0.1:9110";

    public string Name { get; set; } = "";

    public int RemotePort { get; set; }

    /// <summary>`work-dir`, else a folder of the node's own under the temp dir.</summary>
    public string WorkDirFor(string name) => WorkDir is { Length: > 0 } w ? w : Path.Combine(Path.GetTempPath(), $"flock-node-{name}");

    public string RemoteHost { get; set; } = "";

    /// <summary>The port the seed dials this node on when it is not remote-port (a port forward or NAT in between); 0: remote-port.</summary>
    public int RemotePublicPort { get; set; }

    /// <summary>The `akka { }` section of the node's configuration file, handed to its ActorSystems over Flock's own settings; null without one.</summary>
    public Akka.Configuration.Config? AkkaSection { get; private set; }

    public void UseAkkaSection(Akka.Configuration.Config? section) => AkkaSection = section;

    public string KnownSeeds { get; set; } = "";

    public string AcceptFingerprint { get; set; } = "";

    public string WorkDir { get; set; } = "";

    /// <summary>Below this much free space in the work dir the node takes no chunks (0: no check).</summary>
    [Flock.Configuration.ByteSize]
    public long MinFreeSpace { get; set; } = 64L << 20;

    public int ParallelEncodes { get; set; } = 1;

    public int Reserve { get; set; } = 1;

    public int Threads { get; set; }

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan SeedUnreachableAfter { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan ReconnectMin { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMax { get; set; } = TimeSpan.FromSeconds(30);

    public double BenchmarkSeconds { get; set; } = 2;

    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>From `flock.cluster.key`.</summary>
    public string ClusterKey { get; set; } = "";

    /// <summary>From `flock.cluster.key-file`: when set, the key is read from this (owner-only) file instead.</summary>
    public string ClusterKeyFile { get; set; } = "";

    /// <summary>From `flock.log.format`: text or json.</summary>
    public string LogFormat { get; set; } = "text";
}
