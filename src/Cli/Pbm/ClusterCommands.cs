using System.CommandLine;
using System.Text.Json;
using Flock.Cli.Pbm.Output;
using Flock.Messages;
using Flock.Messages.Cluster;

namespace Flock.Cli.Pbm;

/// <summary>`pbm cluster show|leave|down`.</summary>
public static class ClusterCommands
{
    public static Command Build(PbmContext context)
    {
        var cluster = new Command("cluster", "Look at the cluster's members; ask one to leave or mark it down.");
        cluster.Subcommands.Add(Show(context));
        cluster.Subcommands.Add(Remove(context, force: false));
        cluster.Subcommands.Add(Remove(context, force: true));
        return cluster;
    }

    private static Command Show(PbmContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the seed's JSON instead of text." };
        var command = new Command("show", "List members: name | address | status | reachability | power | work.");
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

            foreach (var line in ClusterFormatter.Table(cluster, context.Console.IsOutputTerminal))
            {
                context.WriteLine(line);
            }

            return PbmExitCodes.Success;
        });
        return command;
    }

    private static Command Remove(PbmContext context, bool force)
    {
        var name = new Argument<string>("NODE") { Description = "The member's name, as `cluster show` lists it." };
        var json = new Option<bool>("--json") { Description = "Print the seed's JSON instead of text." };
        var command = force
            ? new Command("down", "Mark a node down at once: its chunks go to other nodes now, and it stops if it still hears the seed.")
            : new Command("leave", "Ask a node to leave gracefully: it finishes or hands back its chunk, passes leaving and exiting, and exits 0.");
        command.Arguments.Add(name);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var node = await client.RemoveNodeAsync(parse.GetValue(name)!, force, ct).ConfigureAwait(false);
            context.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(node, WireJson.Options) : node.Name + " " + node.Status);
            return PbmExitCodes.Success;
        });
        return command;
    }
}
