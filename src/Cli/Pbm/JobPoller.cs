using Flock.Messages.Jobs;

namespace Flock.Cli.Pbm;

/// <summary>Polls a job until it reaches a final state, riding out a briefly unreachable seed and saying so.</summary>
public static class JobPoller
{
    /// <summary>
    /// A poll waits this long for its answer: a seed that has gone away (or a link that went silent) shows in a live
    /// view within seconds, not after the 30 s an ordinary request may take.
    /// </summary>
    public static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(5);

    /// <param name="onUnreachable">Told, at every failed poll, how long the seed has not answered and why.</param>
    public static async Task<JobResponse> WaitUntilFinalAsync(
        SeedClient client, string id, PbmContext context, Action<JobResponse> onUpdate, CancellationToken ct,
        Action<TimeSpan, string>? onUnreachable = null)
    {
        var lastAnswer = DateTimeOffset.UtcNow;
        while (true)
        {
            JobResponse job;
            try
            {
                job = await client.GetJobAsync(id, ct, PollTimeout).ConfigureAwait(false);
                lastAnswer = DateTimeOffset.UtcNow;
            }
            catch (PbmException ex) when (ex.Unreachable)
            {
                var silent = DateTimeOffset.UtcNow - lastAnswer;
                if (silent > context.UnreachableGrace)
                {
                    throw;
                }

                onUnreachable?.Invoke(silent, ex.Message);
                await Task.Delay(context.PollInterval, ct).ConfigureAwait(false);
                continue;
            }

            onUpdate(job);
            if (JobStates.IsFinal(job.State))
            {
                return job;
            }

            await Task.Delay(context.PollInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>`seed unreachable for 12s, retrying (cannot reach seed at https://...: Connection refused)`.</summary>
    public static string UnreachableLine(TimeSpan silent, string reason) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"seed unreachable for {silent.TotalSeconds:0}s, retrying ({reason})");
}
