using System.Globalization;
using Flock.Messages;
using Flock.Messages.Cluster;

namespace Flock.Cli.Pbm.Output;

/// <summary>
/// `cluster show`'s human form, in the shape of Petabridge.Cmd's: one row per member leading with its Akka address and
/// roles, then Flock's view of it (status, reachability, name, power, work), and a count.
/// </summary>
public static class ClusterFormatter
{
    public static readonly IReadOnlyList<string> Header = ["address", "roles", "status", "reachability", "name", "power", "work"];

    /// <summary>
    /// Each Flock node on the row of its Akka member (or of its control connection's address when it has no member,
    /// as in the embedded cluster of `flock encode`), then the members that are no Flock node, the seed's first.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Rows(ClusterResponse cluster)
    {
        var members = cluster.Members ?? [];
        var rows = new List<IReadOnlyList<string>>();
        foreach (var member in members.Where(m => m.Node is null || cluster.Nodes.All(n => n.Name != m.Node))
                     .OrderBy(m => m.Roles.Contains("seed") ? 0 : 1).ThenBy(m => m.Address, StringComparer.Ordinal))
        {
            rows.Add([member.Address, Roles(member.Roles), member.Status, member.Reachability + (cluster.Leader == member.Address ? " (leader)" : ""), "-", "-", "-"]);
        }
        foreach (var node in cluster.Nodes)
        {
            var member = members.FirstOrDefault(m => m.Node == node.Name);
            rows.Add(Cells(node, member));
        }
        return rows;
    }

    /// <summary>`address | [roles] | status | reachability | name | power | work`: status lower-case (with until when, if quarantined), power with 2 decimals, work comma-joined or `-`.</summary>
    public static IReadOnlyList<string> Cells(NodeResponse node, ClusterMemberResponse? member = null) =>
    [
        member?.Address ?? node.Address,
        Roles(member?.Roles ?? ["encoder"]),
        Status(node),
        Reachability(node),
        node.Name,
        node.Power.ToString("0.00", CultureInfo.InvariantCulture),
        node.Work.Count == 0 ? "-" : string.Join(',', node.Work),
    ];

    /// <summary>
    /// `up`, `unreachable`; a quarantined node says until when: `quarantined until 14:02:31Z`; an up node that takes no
    /// chunks for now says why: `paused (work dir 12 MiB free, min-free-space 256 MiB)`.
    /// </summary>
    public static string Status(NodeResponse node)
    {
        var status = node.Status.ToLowerInvariant();
        if (status == MemberStatus.Quarantined && node.QuarantinedUntil is { } until)
            return status + " until " + until.ToUniversalTime().ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return status == MemberStatus.Up && node.Paused is { } why ? $"paused ({why})" : status;
    }

    /// <summary>`reachable (heartbeat 0.8s ago)`, `unreachable (heartbeat 42.0s ago)`.</summary>
    public static string Reachability(NodeResponse node) =>
        string.Create(CultureInfo.InvariantCulture, $"{node.Reachability} (heartbeat {node.LastHeartbeatSeconds:0.0}s ago)");

    public static string Roles(IReadOnlyList<string> roles) => "[" + string.Join(',', roles) + "]";

    public static IEnumerable<string> Table(ClusterResponse cluster, bool terminal)
    {
        var rows = Rows(cluster);
        return TextTable.Render(Header, rows, terminal).Append(CountFooter(rows.Count));
    }

    public static string CountFooter(int count) => string.Create(CultureInfo.InvariantCulture, $"Count: {Plural.Of(count, "node")}");

    /// <summary>`cluster status`: the seed's member, how many members in each state, the leader and where the job queue runs.</summary>
    public static string Status(ClusterResponse cluster)
    {
        var members = cluster.Members ?? [];
        if (members.Count == 0)
            return string.Create(CultureInfo.InvariantCulture, $"no cluster transport (an embedded cluster): {Plural.Of(cluster.Nodes.Count, "node")} on its control channel");
        var seed = members.FirstOrDefault(m => m.Roles.Contains("seed"));
        var states = string.Join(", ", members.GroupBy(m => m.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
        var unreachable = members.Count(m => m.Reachability == Flock.Messages.Cluster.Reachability.Unreachable);
        return string.Create(CultureInfo.InvariantCulture,
            $"seed {seed?.Address ?? "-"} {seed?.Status ?? "-"} | {Plural.Of(members.Count, "member")} ({states}) | {unreachable} unreachable | leader {cluster.Leader ?? "-"} | queue {cluster.Queue ?? "-"}");
    }

    /// <summary>`cluster tail`: `HH:mm:ss | kind | address or - | node or - | detail`.</summary>
    public static string Event(ClusterEventResponse e) =>
        string.Join(JobFormatter.Separator, e.At.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture), e.Kind, e.Address ?? "-", e.Node ?? "-", e.Detail);
}
