using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using MemberStatus = Flock.Messages.Cluster.MemberStatus;
using Flock.Messages.Chunks;
using Flock.Messages.Cluster;
using Flock.Seed.Hosting;
using Flock.Seed.Jobs;
using Flock.Seed.Metrics;
using Flock.Seed.Options;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Cluster;

/// <summary>
/// Membership: who is connected, their status and power, and heartbeat-based failure detection. Work requests and
/// chunk reports are passed to the jobs actor; a member that goes away hands its chunks back through it.
/// </summary>
public sealed class ClusterActor : UntypedActor, IWithTimers
{
    private readonly IActorRef _jobs;
    private readonly TimeSpan _unreachableAfter;
    private readonly QuarantineOptions _quarantine;
    private readonly TimeProvider _clock;
    private readonly SeedMetrics _metrics;
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);

    private readonly TimeSpan _check;
    private readonly bool _clustered;
    private readonly Func<bool> _coordinates;
    private AkkaMembers _akka = AkkaMembers.Empty;
    private ClusterEventLog _events = ClusterEventLog.Empty;
    private string? _leader;
    /// <summary>Where the job queue answered from (its full actor path); null until it has.</summary>
    private string? _queue;

    /// <param name="clustered">the seed's system runs Akka.Cluster (not the embedded one of `flock encode`).</param>
    public ClusterActor(IActorRef jobs, TimeSpan heartbeatInterval, TimeSpan unreachableAfter, QuarantineOptions quarantine, TimeProvider clock, SeedMetrics metrics, ILoggerFactory logs,
        bool clustered = false, Func<bool>? coordinates = null)
    {
        _clustered = clustered;
        _coordinates = coordinates ?? (() => true);
        Log = ActorLogging.For(logs, typeof(ClusterActor), Self);
        _metrics = metrics;
        _jobs = jobs;
        _unreachableAfter = unreachableAfter;
        _quarantine = quarantine;
        _clock = clock;
        _check = TimeSpan.FromMilliseconds(Math.Max(200, heartbeatInterval.TotalMilliseconds / 2));
    }

    /// <param name="coordinates">whether this seed member coordinates now (null: always); a standby one leaves the queue alone.</param>
    public static Props Props(IActorRef jobs, TimeSpan heartbeatInterval, TimeSpan unreachableAfter, QuarantineOptions quarantine, TimeProvider clock, SeedMetrics metrics,
        ILoggerFactory logs, bool clustered = false, Func<bool>? coordinates = null) =>
        Akka.Actor.Props.Create(() => new ClusterActor(jobs, heartbeatInterval, unreachableAfter, quarantine, clock, metrics, logs, clustered, coordinates));

    public ITimerScheduler Timers { get; set; } = null!;

    private ILogger Log { get; }

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(nameof(CheckHeartbeats), new CheckHeartbeats(), _check, _check);
        if (_clustered)
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));
        IdentifyQueue();
    }

    /// <summary>
    /// Asks the queue where it is, through the same proxy everything else uses: the answer comes from the queue itself,
    /// so it shows where the singleton really runs (the oldest `seed` member), or the local queue of the embedded cluster.
    /// </summary>
    private void IdentifyQueue()
    {
        // The queue of a standby member is another member's, and Flock's messages do not cross between seed members.
        if (!_coordinates()) return;
        _jobs.Tell(new FetchQueueLocation(), Self);
    }

    protected override void PostStop()
    {
        if (_clustered) Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case NodeConnected c:
                OnConnected(c);
                break;
            case NodeDisconnected d:
                if (_members.TryGetValue(d.Name, out var gone) && gone.Handle.SessionId == d.SessionId && gone.Status != MemberStatus.Down)
                    MarkGone(gone, gone.Status is MemberStatus.Leaving or MemberStatus.Exiting ? MemberStatus.Exiting : MemberStatus.Down, d.Reason, d.Ordinary);
                break;
            case NodeMessage m:
                OnNodeMessage(m);
                break;
            case NodeWorkChanged w when _members.TryGetValue(w.Name, out var member):
                var updated = member with { Work = w.Holding ? member.Work.Add(w.ChunkId) : member.Work.Remove(w.ChunkId) };
                _members[w.Name] = updated;
                if (!w.Holding) _metrics.ChunkLeft(w.Name, w.ChunkId);
                // A node that just ran out of chunks may have asked for work before the seed knew it was idle: now it
                // can take over a reserved chunk or run a straggler again.
                if (!w.Holding && !member.Work.IsEmpty && updated.Work.IsEmpty) AskAgainFor(updated);
                break;
            case CancelOnNode c when _members.TryGetValue(c.NodeName, out var holder):
                holder.Handle.Send(c.Cancel);
                break;
            case CheckHeartbeats:
                CheckHeartbeatsNow();
                break;
            case ClusterEvent.IMemberEvent e:
                OnMemberEvent(e);
                break;
            case ClusterEvent.IReachabilityEvent e:
                _akka = _akka.Apply(e);
                if (e is ClusterEvent.ReachabilityEvent r)
                    Record(r is ClusterEvent.UnreachableMember ? "unreachable" : "reachable", r.Member.Address.ToString(), _akka.NodeOf(r.Member.Address.ToString()), "cluster member");
                break;
            case ClusterEvent.LeaderChanged l:
                _leader = l.Leader?.ToString();
                IdentifyQueue();
                break;
            case QueueLocationResponse q:
                _queue = q.Path;
                break;
            case FetchClusterEvents f:
                Sender.Tell(_events.After(f.After));
                break;
            case DownUnreachable:
                OnDownUnreachable();
                break;
            case FetchCluster:
                var now = _clock.GetUtcNow();
                if (_queue is null) IdentifyQueue();
                Sender.Tell(new ClusterResponse(_members.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => m.ToResponse(now)).ToArray(), _akka.ToResponse(), _leader, _queue));
                break;
            case LeaveNode l:
                OnLeaveRequested(l.Name);
                break;
            case DownNode d:
                OnDownRequested(d.Name);
                break;
            case FetchConnectedNodes:
                Sender.Tell((IReadOnlySet<string>)_members.Values.Where(m => m.Status is MemberStatus.Up or MemberStatus.Joining or MemberStatus.Leaving or MemberStatus.Quarantined)
                    .Select(m => m.Name).ToHashSet(StringComparer.Ordinal));
                break;
            case FetchIdleNodes:
                // A paused node (its own word: no room for chunks) is no candidate: the last chunks must not wait for it.
                var up = _members.Values.Where(m => m.Status == MemberStatus.Up && m.Paused is null).ToList();
                Sender.Tell(new IdleNodesResponse(up.Where(m => m.Work.IsEmpty).Select(m => m.Name).ToHashSet(StringComparer.Ordinal),
                    up.ToDictionary(m => m.Name, m => m.Power, StringComparer.Ordinal)));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnConnected(NodeConnected c)
    {
        _members.TryGetValue(c.Handle.Name, out var old);
        // A node that comes back (after its own restart, a partition, or the seed's restart) says what it still has;
        // chunks recorded against it that it no longer has are released at once instead of waiting forever.
        _jobs.Tell(new NodeRejoined(c.Handle.Name, c.Held));
        _members[c.Handle.Name] = new Member(c.Handle, c.Address, MemberStatus.Joining, old?.Power ?? 0, c.Cores, c.FfmpegVersion, _clock.GetUtcNow(), [],
            // A quarantine outlives a reconnect: dropping the connection is no way out of it.
            old?.Health ?? NodeHealth.Healthy);
        Log.LogInformation("node {Node} joining from {Address} ({Cores} cores, ffmpeg {Version})", c.Handle.Name, c.Address, c.Cores, c.FfmpegVersion);
        Record("joined", null, c.Handle.Name, $"control channel from {c.Address}");
    }

    private void OnNodeMessage(NodeMessage m)
    {
        // A member marked down is out until it joins again on a new session.
        if (!_members.TryGetValue(m.Name, out var member) || member.Handle.SessionId != m.SessionId || member.Status == MemberStatus.Down) return;
        member = member with { LastSeen = _clock.GetUtcNow() };
        if (m.Message is ReportMember reported && member.DownedMember is { } downed && reported.Address != downed)
            // The node's fresh member system is up: from here its control channel counts again.
            member = member with { DownedMember = null };
        if (member.Status == MemberStatus.Unreachable && member.DownedMember is null)
        {
            // Back from a partition on the same session: it is welcome again, but what it held was already given away.
            member = member with { Status = member.Health.IsQuarantined(_clock.GetUtcNow()) ? MemberStatus.Quarantined : MemberStatus.Up };
            Log.LogInformation("node {Node} reachable again", m.Name);
            // Its requests for work while it was out were not passed on, and it will not ask again until a chunk ends.
            if (m.Message is not RequestWork) AskAgainFor(member);
        }
        switch (m.Message)
        {
            case ReportBenchmark b:
                member = member with { Power = b.Power, Status = member.Status != MemberStatus.Joining ? member.Status
                    : member.Health.IsQuarantined(_clock.GetUtcNow()) ? MemberStatus.Quarantined : MemberStatus.Up };
                Log.LogInformation("node {Node} is up, power {Power:0.00} ({Fps:0.0} fps)", m.Name, b.Power, b.FramesPerSecond);
                Record("up", null, m.Name, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"power {b.Power:0.00}"));
                break;
            case RequestWork w:
                if (w.Paused is { } why && member.Paused is null) Log.LogWarning("node {Node} takes no chunks for now: {Reason}", m.Name, why);
                else if (w.Paused is null && member.Paused is not null) Log.LogInformation("node {Node} takes chunks again", m.Name);
                member = member with { FreeSlots = w.FreeSlots, Paused = w.Paused };
                // Paused, it is no peer either: chunks kept back for a faster node must not wait for one that takes none.
                if (member.Status == MemberStatus.Up) _jobs.Tell(w.Paused is null ? new WorkWanted(member.Handle, w.FreeSlots) : new WorkWithdrawn(m.Name));
                break;
            case LeaveCluster l when member.Status != MemberStatus.Exiting:
                member = member with { Status = MemberStatus.Leaving };
                Log.LogInformation("node {Node} leaving: {Reason}", m.Name, l.Reason);
                _jobs.Tell(new WorkWanted(member.Handle, 0));
                _jobs.Tell(new NodeLeaving(m.Name));
                break;
            case ReportMember r:
                _akka = _akka.Named(r.Address, m.Name);
                break;
            case ReportChunkProgress p:
                if (member.Work.Contains($"{p.JobId}/{p.ChunkIndex}")) _metrics.ChunkProgressed(m.Name, $"{p.JobId}/{p.ChunkIndex}", p.FramesPerSecond);
                _jobs.Tell(new ChunkReport(p.JobId, p.ChunkIndex, m.Name, p));
                break;
            case ReportChunkFailed f:
                _jobs.Tell(new ChunkReport(f.JobId, f.ChunkIndex, m.Name, f));
                // A node out of disk still counts towards its quarantine, should it keep taking chunks it cannot hold.
                member = OnChunkFailed(member, $"{f.JobId}/{f.ChunkIndex}");
                break;
        }
        _members[m.Name] = member;
    }

    private void OnLeaveRequested(string name)
    {
        if (!_members.TryGetValue(name, out var member)) { Sender.Tell(new Status.Failure(new KeyNotFoundException($"no node {name}"))); return; }
        if (!member.IsConnected)
        {
            Sender.Tell(new Status.Failure(new InvalidOperationException($"node {name} is {member.Status}; only a connected node can leave (use cluster down)")));
            return;
        }
        member.Handle.Send(new LeaveCluster("asked to leave by an operator"));
        member = member with { Status = MemberStatus.Leaving };
        _members[name] = member;
        _jobs.Tell(new WorkWanted(member.Handle, 0));
        _jobs.Tell(new NodeLeaving(name));
        Log.LogInformation("node {Node} asked to leave", name);
        Sender.Tell(member.ToResponse(_clock.GetUtcNow()));
    }

    private void OnDownRequested(string name)
    {
        if (!_members.TryGetValue(name, out var member)) { Sender.Tell(new Status.Failure(new KeyNotFoundException($"no node {name}"))); return; }
        // Told first: its control session runs over its Akka member, which the down below ends. On the one connection
        // between the two, this message goes out ahead of the gossip that downs the member, so the node hears why and
        // stops, rather than seeing only its session end and joining again.
        if (member.Status != MemberStatus.Down)
        {
            member.Handle.Send(new NodeDowned("marked down by an operator"));
            MarkGone(member, MemberStatus.Down, "marked down by an operator");
        }
        // Its Akka member goes down too: Akka.Cluster removes it, and the node's member system has to start afresh.
        if (_clustered && _akka.AddressOf(name) is { } address) Akka.Cluster.Cluster.Get(Context.System).Down(address);
        Sender.Tell(_members[name].ToResponse(_clock.GetUtcNow()));
    }

    private void CheckHeartbeatsNow()
    {
        var now = _clock.GetUtcNow();
        foreach (var member in _members.Values.ToList())
        {
            if (member.Status is MemberStatus.Joining or MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Quarantined && now - member.LastSeen > _unreachableAfter)
                MarkGone(member, MemberStatus.Unreachable, $"no heartbeat for {(now - member.LastSeen).TotalSeconds:0.0}s");
            else if (member.Status == MemberStatus.Quarantined && !member.Health.IsQuarantined(now))
            {
                Log.LogInformation("node {Node} back from quarantine", member.Name);
                var back = _members[member.Name] = member with { Status = MemberStatus.Up, Health = member.Health.Expire(now) };
                AskAgainFor(back);
            }
        }
    }

    /// <summary>Passes on once more the slots a member last asked to fill, if it can take work now: it does not ask twice.</summary>
    private void AskAgainFor(Member member)
    {
        if (member.Status == MemberStatus.Up && member.FreeSlots > 0) _jobs.Tell(new WorkWanted(member.Handle, member.FreeSlots));
    }

    private Member OnChunkFailed(Member member, string chunk)
    {
        var now = _clock.GetUtcNow();
        var health = member.Health.ChunkFailed(chunk, now, _quarantine);
        member = member with { Health = health };
        if (member.Status != MemberStatus.Up || !health.IsQuarantined(now)) return member;
        Log.LogWarning("node {Node} quarantined until {Until:HH:mm:ss}: {Count} different chunks failed on it within {Window}",
            member.Name, health.QuarantinedUntil, _quarantine.Failures, _quarantine.Window);
        Record("quarantined", null, member.Name, $"until {health.QuarantinedUntil:HH:mm:ss}");
        _jobs.Tell(new WorkWithdrawn(member.Name));
        return member with { Status = MemberStatus.Quarantined };
    }

    private void OnMemberEvent(ClusterEvent.IMemberEvent e)
    {
        var address = e.Member.Address.ToString();
        var node = _akka.NodeOf(address);
        _akka = _akka.Apply(e);
        // Node loss is cluster membership: a node whose encoder member was downed (by the Split Brain Resolver once it
        // stayed unreachable past stable-after, or by an operator) has lost its chunks, even while its control channel
        // still answers. A member that left on purpose went through leaving first and keeps finishing its work.
        // Only the member its session runs from counts: a node that came back with a fresh member has lost nothing
        // when its old member is removed, and marking it gone then took the new session's work away.
        if (node is not null && IsDownedMember(e) && _members.TryGetValue(node, out var lost) && lost.IsConnected && lost.Status != MemberStatus.Leaving
            && lost.Address == NodeSessionActor.AddressOf(e.Member.Address))
            MarkGone(lost with { DownedMember = address }, MemberStatus.Unreachable, $"its cluster member {address} was downed");
        if (e.Member.HasRole(ClusterTransport.SeedRole) && e is ClusterEvent.MemberUp or ClusterEvent.MemberRemoved)
        {
            // The queue starts once its member is up, and moves when that member goes: ask again where it is.
            if (e is ClusterEvent.MemberRemoved) _queue = null;
            IdentifyQueue();
        }
        var kind = e switch
        {
            ClusterEvent.MemberUp => "up",
            ClusterEvent.MemberLeft => "leaving",
            ClusterEvent.MemberExited => "exiting",
            ClusterEvent.MemberDowned => "downed",
            ClusterEvent.MemberRemoved => "removed",
            _ => "joined",
        };
        var roles = $"roles [{string.Join(",", e.Member.Roles.Order(StringComparer.Ordinal))}]";
        if (kind is "up" or "removed" or "downed") Log.LogInformation("cluster member {Address} {Event} ({Roles})", address, kind, roles);
        Record(kind, address, node, $"cluster member, {roles}");
    }

    /// <summary>Downs every member the seed cannot reach: Akka members through Akka.Cluster, Flock nodes as `cluster down` does.</summary>
    private void OnDownUnreachable()
    {
        var members = new List<string>();
        if (_clustered)
        {
            var cluster = Akka.Cluster.Cluster.Get(Context.System);
            foreach (var m in _akka.ToResponse().Where(m => m.Reachability == Reachability.Unreachable && m.Address != cluster.SelfAddress.ToString()))
            {
                cluster.Down(Address.Parse(m.Address));
                members.Add(m.Address);
            }
        }
        var nodes = new List<string>();
        foreach (var member in _members.Values.Where(m => m.Status == MemberStatus.Unreachable).ToList())
        {
            MarkGone(member, MemberStatus.Down, "unreachable, downed by an operator");
            nodes.Add(member.Name);
        }
        Sender.Tell(new DownUnreachableResponse(members, nodes));
    }

    private static bool IsDownedMember(ClusterEvent.IMemberEvent e) =>
        e is ClusterEvent.MemberDowned || e is ClusterEvent.MemberRemoved { PreviousStatus: Akka.Cluster.MemberStatus.Down };

    private void Record(string kind, string? address, string? node, string detail) => _events = _events.Add(_clock.GetUtcNow(), kind, address, node, detail);

    private void MarkGone(Member member, string status, string reason, bool ordinary = false)
    {
        // Leaving on purpose, or being let go by a seed that stops, is ordinary; losing a node is worth a warning.
        Log.Log(ordinary || status == MemberStatus.Exiting ? LogLevel.Information : LogLevel.Warning, "node {Node} is {Status}: {Reason}", member.Name, status, reason);
        _members[member.Name] = member with { Status = status, Work = ImmutableSortedSet<string>.Empty };
        Record(status == MemberStatus.Down ? "downed" : status, null, member.Name, reason);
        _metrics.NodeIdle(member.Name);
        _jobs.Tell(new NodeGone(member.Name, $"node {member.Name} {status}: {reason}"));
    }
}
