using Flock.Media.Planning;

namespace Flock.Seed.Options;

/// <summary>The `flock.seed` section of seed.conf; every key is documented there.</summary>
public sealed class SeedOptions
{
    public string Urls { get; set; } = "https://127.0.0.1:9110";

    public bool Tls { get; set; } = true;

    /// <summary>Akka.Remote's port: nodes join the cluster there (mutual TLS, cluster authority certificates only). 0: any free port.</summary>
    public int RemotePort { get; set; } = 4053;

    /// <summary>The port nodes dial when it is not remote-port (a port forward or NAT in between); 0: remote-port.</summary>
    public int RemotePublicPort { get; set; }

    /// <summary>The host nodes reach Akka.Remote by; empty: the host in `urls`, or this machine's name when that is a wildcard.</summary>
    public string RemoteHost { get; set; } = "";

    /// <summary>The `akka { }` section of the seed's configuration file, handed to its ActorSystem over Flock's own settings; null without one.</summary>
    public Akka.Configuration.Config? AkkaSection { get; private set; }

    public void UseAkkaSection(Akka.Configuration.Config? section) => AkkaSection = section;

    /// <summary>Not configuration: false for the embedded cluster of `flock encode`, whose nodes run in the seed's own ActorSystem.</summary>
    public bool ClusterTransport { get; set; } = true;

    public string TlsCertificate { get; set; } = "";

    public string TlsKey { get; set; } = "";

    public string TlsPassword { get; set; } = "";

    public string DataDir { get; set; } = ".flock/seed";

    /// <summary>
    /// The directory every seed member of one cluster shares (an NFS mount at the same path on each machine): with it
    /// set, what data-dir held (cluster key, tokens, certificates and the cluster's authority, sources, chunk results
    /// and outputs) lives there instead. Empty: one seed member, everything in data-dir.
    /// </summary>
    public string SharedDir { get; set; } = "";

    /// <summary>Web addresses of seed members already running: this one joins their cluster as a further seed member.</summary>
    public List<string> Peers { get; set; } = [];

    /// <summary>Several seed members share one cluster: set by a shared dir, which every member must have.</summary>
    public bool SeveralMembers() => SharedDir.Length > 0;

    /// <summary>
    /// Why these options cannot run as one of several seed members, or null. Each member recovers every job from the
    /// journal when it becomes the coordinator and reads the files the others wrote, so both must be shared.
    /// </summary>
    public string? SeveralMembersRefusal()
    {
        if (Peers.Count > 0 && !SeveralMembers())
            return "a further seed member (--peer, flock.seed.peers) needs flock.seed.shared-dir (FLOCK_SEED_SHARED_DIR): the directory all seed members share for sources, results and the cluster's keys";
        if (SeveralMembers() && !Journal.Provider.Trim().ToLowerInvariant().StartsWith("postgres", StringComparison.Ordinal))
            return $"several seed members (flock.seed.shared-dir is set) need one journal they all reach: flock.seed.journal.provider = postgresql with a connection string (FLOCK_SEED_POSTGRES), not {Journal.Provider}";
        return null;
    }

    /// <summary>Where the cluster's shared state lives: the shared dir when there is one, else data-dir.</summary>
    public string StateDirectory() => Path.GetFullPath(SeveralMembers() ? SharedDir : DataDir);

    public string AdminToken { get; set; } = "";

    public List<string> ReadOnlyTokens { get; set; } = [];

    public List<string> MediaRoots { get; set; } = [];

    public int MaxChunksPerJob { get; set; } = 10000;

    public int MaxNodeConnections { get; set; } = 256;

    public int AuthFailureLimit { get; set; } = 5;

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Also the Split Brain Resolver's stable-after: 5 s so that a lost coordinator's queue moves within 15 s.</summary>
    public TimeSpan UnreachableAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the next oldest seed member waits, once a lost coordinator is removed, before it starts the queue:
    /// time for a coordinator cut off on the other side to have downed itself and stopped its own.
    /// </summary>
    public TimeSpan RemovalMargin { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan OrphanGrace { get; set; } = TimeSpan.FromSeconds(10);

    [Flock.Configuration.ByteSize]
    public long MaxUploadSize { get; set; } = 64L << 30;

    public double DefaultChunkSeconds { get; set; } = 30;

    /// <summary>`live = on`: every job is published as HLS while it encodes, as `pbm job submit --live` asks for one.</summary>
    public bool Live { get; set; }

    /// <summary>`local-node = on`: the seed process also runs an encoder node (configured by node.conf and FLOCK_NODE_* as usual).</summary>
    public bool LocalNode { get; set; }

    public int TailChunks { get; set; } = 4;

    public double MinChunkSeconds { get; set; } = 2;

    public bool PreferSceneCuts { get; set; } = true;

    /// <summary>first-frames or frames: how much of each chunk's decoded source the seed checks (seed.conf says what each costs).</summary>
    public string Verify { get; set; } = "first-frames";

    public Flock.Media.Verification.VerifyLevel VerifyLevel() => Flock.Media.Verification.VerifyLevels.Parse(Verify);

    /// <summary>warn or strict: what a submit whose source's HDR the chosen encoder cannot carry gets (seed.conf says what is checked).</summary>
    public string Hdr { get; set; } = "warn";

    /// <summary>True with `hdr = strict`; anything but warn or strict is a configuration error.</summary>
    public bool HdrStrict() => Hdr switch
    {
        "warn" => false,
        "strict" => true,
        _ => throw new FormatException($"hdr must be warn or strict, not '{Hdr}'"),
    };

    /// <summary>Space kept free on the data disk: assembly and submissions that would eat into it are refused.</summary>
    [Flock.Configuration.ByteSize]
    public long MinFreeSpace { get; set; } = 64L << 20;

    public JournalOptions Journal { get; set; } = new();

    public SpeculationOptions Speculation { get; set; } = new();

    public QuarantineOptions Quarantine { get; set; } = new();

    public RetentionOptions Retention { get; set; } = new();

    /// <summary>The seed's way of cutting jobs, with the default chunk length standing in for each job's own.</summary>
    public ChunkSizing ChunkSizing() => new(DefaultChunkSeconds, TailChunks, MinChunkSeconds, PreferSceneCuts);

    /// <summary>From `flock.log.format`: text or json.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>From `flock.cluster.key`.</summary>
    public string ClusterKey { get; set; } = "";

    /// <summary>From `flock.cluster.key-file`: when set, the key is read from this (owner-only) file instead.</summary>
    public string ClusterKeyFile { get; set; } = "";
}

public sealed class JournalOptions
{
    public string Provider { get; set; } = "sqlite";

    public string ConnectionString { get; set; } = "";
}

/// <summary>`flock.seed.quarantine`: a node whose chunks keep failing gets no new chunks for a while.</summary>
public sealed record QuarantineOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>This many different chunks failing on one node inside <see cref="Window"/> quarantine it.</summary>
    public int Failures { get; set; } = 3;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a quarantined node gets no new chunks; it returns by itself afterwards.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>`flock.seed.retention`: how much of settled jobs' journals is kept.</summary>
public sealed record RetentionOptions
{
    /// <summary>compact: settled jobs beyond the newest <see cref="KeepJobs"/> are compacted; keep: every event is kept.</summary>
    public string Mode { get; set; } = "compact";

    /// <summary>The newest settled jobs that keep every event of their own and of their chunks.</summary>
    public int KeepJobs { get; set; } = 20;

    /// <summary>True with `mode = compact`; anything but compact or keep is a configuration error.</summary>
    public bool Compacts() => Mode switch
    {
        "compact" => true,
        "keep" => false,
        _ => throw new FormatException($"retention.mode must be compact or keep, not '{Mode}'"),
    };
}

/// <summary>`flock.seed.speculation`: running the last straggling chunks again on idle nodes.</summary>
public sealed record SpeculationOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>A chunk is copied only after its attempt has run this long, so ordinary chunks are never doubled.</summary>
    public TimeSpan MinElapsed { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often idle nodes are matched with stragglers while nothing else triggers a dispatch.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
