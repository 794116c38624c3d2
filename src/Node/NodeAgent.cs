using Flock.Actors;
using Flock.Node.Options;
using Microsoft.Extensions.Logging;

namespace Flock.Node;

/// <summary>Runs one encoder node until cancelled or asked to leave by the seed (then leaves gracefully), or until the seed refuses it.</summary>
public static class NodeAgent
{
    /// <returns>null after a normal stop, else the reason the node could not work.</returns>
    public static async Task<string?> RunAsync(NodeOptions options, string name, ILoggerFactory logs, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(options.ClusterKey)) return "no cluster key: use --cluster-key-file FILE (or FLOCK_CLUSTER_KEY_FILE), or set FLOCK_CLUSTER_KEY (the seed prints where it keeps it)";
        var fatal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var system = ActorSystem.Create($"flock-node", logs);
        var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var encoder = system.ActorOf(EncoderActor.Props(options, name, fatal, left), "encoder");
        var stopped = new TaskCompletionSource();
        using (ct.Register(() => stopped.TrySetResult()))
        {
            var first = await Task.WhenAny(fatal.Task, stopped.Task, left.Task).ConfigureAwait(false);
            if (first == fatal.Task) return await fatal.Task.ConfigureAwait(false);
        }
        encoder.Tell(new EncoderActor.Leave("node stopping"));
        // The encoder hands its chunk back itself when the drain timeout passes; this is only a backstop.
        await Task.WhenAny(left.Task, fatal.Task, Task.Delay(options.DrainTimeout + TimeSpan.FromSeconds(30), CancellationToken.None)).ConfigureAwait(false);
        return null;
    }

    /// <summary>A name the seed accepts: letters, digits, '-', '_', '.'.</summary>
    public static string DefaultName(string? configured)
    {
        var raw = string.IsNullOrWhiteSpace(configured) ? Environment.MachineName : configured;
        var clean = new string(raw.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? char.ToLowerInvariant(c) : '-').ToArray());
        return clean.Length > 64 ? clean[..64] : clean;
    }
}
