using System.Globalization;
using Flock.Messages.Cluster;

namespace Flock.Cli.Pbm.Output;

/// <summary>`cluster show`'s human form, in the shape of Petabridge.Cmd's: one row per member and a count.</summary>
public static class ClusterFormatter
{
    /// <summary>`name | address | status | power | work`: status lower-case, power with 2 decimals, work comma-joined or `-`.</summary>
    public static string Row(NodeResponse node) =>
        string.Join(
            JobFormatter.Separator,
            node.Name,
            node.Address,
            node.Status.ToLowerInvariant(),
            node.Power.ToString("0.00", CultureInfo.InvariantCulture),
            node.Work.Count == 0 ? "-" : string.Join(',', node.Work));

    public static string CountFooter(int count) => string.Create(CultureInfo.InvariantCulture, $"Count: {count} nodes");
}
