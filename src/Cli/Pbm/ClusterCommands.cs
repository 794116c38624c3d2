using System.CommandLine;
using System.Text.Json;
using Flock.Cli.Pbm.Output;
using Flock.Messages;
using Flock.Messages.Cluster;

namespace Flock.Cli.Pbm;

/// <summary>`pbm cluster show|status|leader|tail|leave|down|down-unreachable`, after Petabridge.Cmd's cluster palette.</summary>
public static class ClusterCommands
{
    public static Command Build(PbmContext context)
    {
        var cluster = new Command("cluster", "Look at the cluster's members; ask one to leave or mark it down.");
        cluster.Subcommands.Add(Show(context));
        cluster.Subcommands.Add(Summary(context, "status", "One line: the seed's member, members per status, unreachable ones, the leader, where the job queue runs.", ClusterFormatter.Status));
        cluster.Subcommands.Add(Summary(context, "leader", "The Akka cluster's leader.", c => c.Leader ?? "-"));
        cluster.Subcommands.Add(Tail(context));
        cluster.Subcommands.Add(Remove(context, force: false));
        cluster.Subcommands.Add(Remove(context, force: true));
        cluster.Subcommands.Add(DownUnreachable(context));
        return cluster;
    }

    private static Command Show(PbmContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the seed's JSON instead of text." };
        var command = new Command("show", "List members: address | [roles] | status | reachability | name | power | work.");
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

    private static Command Summary(PbmContext context, string name, string description, Func<ClusterResponse, string> line)
    {
        var json = new Option<bool>("--json") { Description = "Print the seed's JSON instead of text." };
        var command = new Command(name, description);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var cluster = await client.GetClusterAsync(ct).ConfigureAwait(false);
            context.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(cluster, WireJson.Options) : line(cluster));
            return PbmExitCodes.Success;
        });
        return command;
    }

    private static Command Tail(PbmContext context)
    {
        var json = new Option<bool>("--json") { Description = "One JSON object per event." };
        var all = new Option<bool>("--all") { Description = "Start with every event the seed still keeps (default: only new ones)." };
        var command = new Command("tail", "Follow member events (joined, up, unreachable, reachable, downed, removed, quarantined) until Ctrl+C.");
        command.Options.Add(json);
        command.Options.Add(all);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var after = parse.GetValue(all) ? 0 : (await client.GetClusterEventsAsync(long.MaxValue, ct).ConfigureAwait(false)).Next;
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var page = await client.GetClusterEventsAsync(after, ct).ConfigureAwait(false);
                    foreach (var e in page.Events)
                        context.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(e, WireJson.Options) : ClusterFormatter.Event(e));
                    after = Math.Max(after, page.Next);
                    await Task.Delay(context.PollInterval, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            return PbmExitCodes.Success;
        });
        return command;
    }

    private static Command DownUnreachable(PbmContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the seed's JSON instead of text." };
        var command = new Command("down-unreachable", "Mark every unreachable member down at once: their chunks go to other nodes now.");
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var downed = await client.DownUnreachableAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(json)) context.WriteLine(JsonSerializer.Serialize(downed, WireJson.Options));
            else
            {
                foreach (var member in downed.Members) context.WriteLine(member + " down");
                foreach (var node in downed.Nodes) context.WriteLine(node + " down");
                context.WriteLine($"Count: {Plural.Of(downed.Members.Count + downed.Nodes.Count, "member")} downed");
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
