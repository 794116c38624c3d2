using System.Globalization;
using Flock.Messages;
using Flock.Messages.Cluster;

namespace Flock.Cli.Pbm.Output;

/// <summary>`cluster show`'s human form, in the shape of Petabridge.Cmd's: one row per member and a count.</summary>
public static class ClusterFormatter
{
    public static readonly IReadOnlyList<string> Header = ["name", "address", "status", "reachability", "power", "work"];

    /// <summary>`name | address | status | reachability | power | work`: status lower-case (with until when, if quarantined), power with 2 decimals, work comma-joined or `-`.</summary>
    public static string Row(NodeResponse node) => string.Join(JobFormatter.Separator, Cells(node));

    public static IReadOnlyList<string> Cells(NodeResponse node) =>
    [
        node.Name,
        node.Address,
        Status(node),
        Reachability(node),
        node.Power.ToString("0.00", CultureInfo.InvariantCulture),
        node.Work.Count == 0 ? "-" : string.Join(',', node.Work),
    ];

    /// <summary>`up`, `unreachable`; a quarantined node says until when: `quarantined until 14:02:31Z`.</summary>
    public static string Status(NodeResponse node)
    {
        var status = node.Status.ToLowerInvariant();
        return status == MemberStatus.Quarantined && node.QuarantinedUntil is { } until
            ? status + " until " + until.ToUniversalTime().ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : status;
    }

    /// <summary>`reachable (heartbeat 0.8s ago)`, `unreachable (heartbeat 42.0s ago)`.</summary>
    public static string Reachability(NodeResponse node) =>
        string.Create(CultureInfo.InvariantCulture, $"{node.Reachability} (heartbeat {node.LastHeartbeatSeconds:0.0}s ago)");

    public static IEnumerable<string> Table(ClusterResponse cluster, bool terminal) =>
        TextTable.Render(Header, cluster.Nodes.Select(Cells).ToArray(), terminal).Append(CountFooter(cluster.Nodes.Count));

    public static string CountFooter(int count) => string.Create(CultureInfo.InvariantCulture, $"Count: {Plural.Of(count, "node")}");
}
