namespace Flock.Seed.Jobs;

/// <summary>
/// The ETA a job shows, smoothed so that it can be trusted: the plain estimate (frames left at the current rate)
/// jumps whenever a verified chunk lands in one go or a node pauses to upload, so it climbed while work was
/// arriving. Given the last shown estimate, the next one may only
/// <list type="bullet">
/// <item>fall by the time that passed plus what the frames that came back since are worth;</item>
/// <item>rise by what frames handed back are worth (a lost node's progress), or, once the plain estimate has stayed
/// well above it for <see cref="SlowerFor"/> (the cluster really got slower, not a pause to upload or a chunk
/// still in x264's lookahead), by at most <see cref="Creep"/> of the time that passed.</item>
/// </list>
/// Frames are worth what the last estimate gave them: its seconds over its frames left, so that a share of the work
/// coming back takes the same share off the ETA, however wrong the rate it was first made with. Pure: the actor keeps
/// the last estimate and passes the clock in.
/// </summary>
/// <param name="SlowerSince">Since when the plain estimate has been well above this one; null while it is not.</param>
public sealed record EtaEstimate(DateTimeOffset At, double Seconds, long RemainingFrames, DateTimeOffset? SlowerSince = null)
{
    /// <summary>How fast a too-low ETA may climb when the cluster proved slower: half a second per second.</summary>
    public const double Creep = 0.5;

    /// <summary>
    /// The plain estimate counts as "well above" the shown one past this share plus <see cref="SlowerMarginSeconds"/>:
    /// below that, the difference is the noise of progress arriving in bursts, and the ETA holds instead of climbing.
    /// </summary>
    public const double SlowerShare = 1.25;

    public const double SlowerMarginSeconds = 2;

    /// <summary>How long the plain estimate must stay well above before the ETA may creep up: longer than a chunk's upload and check.</summary>
    public static readonly TimeSpan SlowerFor = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The estimate at <paramref name="now"/> with <paramref name="remainingFrames"/> left at
    /// <paramref name="framesPerSecond"/> (the job's current rate); null when there is no estimate to give yet.
    /// Without a rate (nothing moved lately) the last estimate holds: no work arriving means no countdown either.
    /// </summary>
    public static EtaEstimate? Next(EtaEstimate? previous, DateTimeOffset now, long remainingFrames, double? framesPerSecond)
    {
        var remaining = Math.Max(0, remainingFrames);
        if (remaining == 0)
        {
            return new EtaEstimate(now, 0, 0);
        }

        if (framesPerSecond is not { } rate || rate <= 0)
        {
            return previous is null ? null : previous with { At = now };
        }

        var plain = JobThroughput.EtaSeconds(remaining, rate)!.Value;
        if (previous is not { RemainingFrames: > 0 })
        {
            return new EtaEstimate(now, plain, remaining);
        }

        var elapsed = Math.Max(0, (now - previous.At).TotalSeconds);
        var perFrame = previous.Seconds / previous.RemainingFrames;
        var cameBack = Math.Max(0, previous.RemainingFrames - remaining) * perFrame;
        var handedBack = Math.Max(0, remaining - previous.RemainingFrames) * perFrame;
        var floor = Math.Max(0, previous.Seconds - elapsed - cameBack);
        DateTimeOffset? slowerSince = plain > previous.Seconds * SlowerShare + SlowerMarginSeconds ? previous.SlowerSince ?? now : null;
        var ceiling = previous.Seconds + handedBack + (now - slowerSince >= SlowerFor ? Creep * elapsed : 0);
        return new EtaEstimate(now, Math.Clamp(plain, floor, Math.Max(floor, ceiling)), remaining, slowerSince);
    }
}
