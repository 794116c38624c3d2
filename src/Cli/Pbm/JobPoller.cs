using Flock.Messages.Jobs;

namespace Flock.Cli.Pbm;

/// <summary>Polls a job until it reaches a final state, riding out a briefly unreachable seed.</summary>
public static class JobPoller
{
    public static async Task<JobResponse> WaitUntilFinalAsync(
        SeedClient client, string id, PbmContext context, Action<JobResponse> onUpdate, CancellationToken ct)
    {
        DateTimeOffset? unreachableSince = null;
        while (true)
        {
            JobResponse job;
            try
            {
                job = await client.GetJobAsync(id, ct).ConfigureAwait(false);
                unreachableSince = null;
            }
            catch (PbmException ex) when (ex.Unreachable)
            {
                unreachableSince ??= DateTimeOffset.UtcNow;
                if (DateTimeOffset.UtcNow - unreachableSince > context.UnreachableGrace)
                {
                    throw;
                }

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
}
