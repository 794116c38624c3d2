using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>Where a job's wall time went, from its attempts' own timestamps: lead-in, encode span, node gaps, tail.</summary>
public sealed class JobTimeBreakdownTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    private static ChunkAttempt Done(int attempt, string node, double handedOut, double encoding, double received, double verified) =>
        new(attempt, node, At(handedOut), AttemptOutcomes.Done, At(verified), null, 1000, At(encoding), At(received));

    [Fact]
    public void A_finished_job_should_be_split_into_lead_in_encoding_node_gaps_and_tail()
    {
        ChunkAttempt[] attempts =
        [
            Done(1, "a", handedOut: 2, encoding: 3, received: 10, verified: 10.5),
            Done(1, "b", handedOut: 2, encoding: 3.5, received: 9, verified: 9.4),
            // a's reserve chunk: handed out early, started only when the first ended, so a was never idle.
            Done(1, "a", handedOut: 4, encoding: 10, received: 18, verified: 18.6),
            // b waited 2 s for its next chunk's bytes.
            Done(1, "b", handedOut: 9, encoding: 11, received: 17, verified: 17.2),
            new(1, "c", At(5), AttemptOutcomes.Failed, At(6), "ffmpeg failed", null, At(5.5), null),
        ];

        var t = JobTimeBreakdown.Of(T0, assemblyStarted: At(19), finished: At(21.5), attempts, now: At(30));

        Assert.Equal(2, t.ToFirstHandOut);
        Assert.Equal(3, t.ToFirstEncode);
        Assert.Equal(15, t.Encoding);
        Assert.Equal(0, t.IdleByNode["a"]);
        Assert.Equal(2, t.IdleByNode["b"]);
        Assert.False(t.IdleByNode.ContainsKey("c"));
        Assert.Equal(0.6, t.LastResultToVerified);
        Assert.Equal(0.4, t.VerifiedToAssembly);
        Assert.Equal(2.5, t.Assembly);
        Assert.Equal(21.5, t.Total);
    }

    [Fact]
    public void A_job_still_encoding_should_leave_its_later_parts_open_and_count_its_total_to_now()
    {
        ChunkAttempt[] attempts = [new(1, "a", At(1), AttemptOutcomes.Encoding, EncodingAt: At(1.5))];

        var t = JobTimeBreakdown.Of(T0, null, null, attempts, now: At(7));

        Assert.Equal(1, t.ToFirstHandOut);
        Assert.Equal(1.5, t.ToFirstEncode);
        Assert.Null(t.Encoding);
        Assert.Null(t.LastResultToVerified);
        Assert.Null(t.Assembly);
        Assert.Equal(7, t.Total);
    }

    [Fact]
    public void Overlapping_encodes_of_one_node_should_not_count_as_idle()
    {
        var idle = JobTimeBreakdown.IdleSeconds([(At(0), At(10)), (At(2), At(5)), (At(12), At(13)), (At(11), At(14))]);

        Assert.Equal(1, idle);
    }
}
