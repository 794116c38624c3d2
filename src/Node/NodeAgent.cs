using Akka.Actor;
using Flock.Node.Connection;
using Flock.Node.Options;
using Microsoft.Extensions.Logging;

namespace Flock.Node;

/// <summary>Runs one encoder node until cancelled or asked to leave by the seed (then leaves gracefully), or until the seed refuses it.</summary>
public static class NodeAgent
{
    /// <param name="system">The process's <c>flock</c> ActorSystem: a node's own, or the seed's for local nodes.</param>
    /// <returns>null after a normal stop, else the reason the node could not work.</returns>
    /// <param name="started">hears of the encoder actor once it exists (for its cluster member's address).</param>
    /// <param name="route">Where its control link to the seed opens from (<see cref="ControlRoute"/>).</param>
    public static async Task<string?> RunAsync(ActorSystem system, ControlRoute route, NodeOptions options, string name, ILoggerFactory logs, CancellationToken ct,
        Action<IActorRef>? started = null)
    {
        if (string.IsNullOrWhiteSpace(options.ClusterKey)) return "no cluster key: use --cluster-key-file FILE (or FLOCK_CLUSTER_KEY_FILE), or set FLOCK_CLUSTER_KEY (the seed prints where it keeps it)";
        var fatal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var relay = await SourceRelay.StartAsync(logs, ct).ConfigureAwait(false);
        var encoder = system.ActorOf(EncoderActor.Props(options, name, route, relay, fatal, left, logs), $"encoder-{name}");
        started?.Invoke(encoder);
        try
        {
            var stopped = new TaskCompletionSource();
            using (ct.Register(() => stopped.TrySetResult()))
            {
                var first = await Task.WhenAny(fatal.Task, stopped.Task, left.Task).ConfigureAwait(false);
                if (first == fatal.Task) return await fatal.Task.ConfigureAwait(false);
            }
            encoder.Tell(new EncoderActor.Leave("node stopping"), ActorRefs.NoSender);
            // The encoder hands its chunk back itself when the drain timeout passes; this is only a backstop.
            await Task.WhenAny(left.Task, fatal.Task, Task.Delay(options.DrainTimeout + TimeSpan.FromSeconds(30), CancellationToken.None)).ConfigureAwait(false);
            return null;
        }
        finally
        {
            // Whatever still runs (an encode after a refusal, the connection) ends with the actor.
            try { await encoder.GracefulStop(TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
            catch (Exception e) when (e is TaskCanceledException or AskTimeoutException) { }
        }
    }

    /// <summary>A name the seed accepts: letters, digits, '-', '_', '.'.</summary>
    public static string DefaultName(string? configured)
    {
        var raw = string.IsNullOrWhiteSpace(configured) ? Environment.MachineName : configured;
        var clean = new string(raw.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? char.ToLowerInvariant(c) : '-').ToArray());
        return clean.Length > 64 ? clean[..64] : clean;
    }
}
