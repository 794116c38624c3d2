using System.CommandLine;
using System.Text.Json;
using Flock.Cli.Pbm.Output;
using Flock.Messages;

namespace Flock.Cli.Pbm;

/// <summary>`pbm cluster show`.</summary>
public static class ClusterCommands
{
    public static Command Build(PbmContext context)
    {
        var cluster = new Command("cluster", "Look at the cluster's members.");
        cluster.Subcommands.Add(Show(context));
        return cluster;
    }

    private static Command Show(PbmContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the seed's JSON instead of text." };
        var command = new Command("show", "List members: name | address | status | power | work.");
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var cluster = await client.GetClusterAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                context.WriteLine(JsonSerializer.Serialize(cluster, WireJson.Options));
                return PbmExitCodes.Success;
            }

            foreach (var node in cluster.Nodes)
            {
                context.WriteLine(ClusterFormatter.Row(node));
            }

            context.WriteLine(ClusterFormatter.CountFooter(cluster.Nodes.Count));
            return PbmExitCodes.Success;
        });
        return command;
    }
}
