using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>A job remembers the keyframes that proved bad entry points, once each, for the rest of its life.</summary>
public sealed class JobEntryPointTests
{
    [Fact]
    public void A_rejected_entry_point_should_be_remembered_with_its_reason()
    {
        var at = JobSample.SubmittedAt.AddSeconds(5);

        var job = JobSample.Encoding().Apply(new JobEntryPointRejected(48640, 3.8, "frame 0 differs from a decode from 2 s", at));

        var rejected = Assert.Single(job.RejectedEntryPoints);
        Assert.Equal(3.8, rejected.Seconds);
        Assert.Equal([48640L], job.BadEntryPts);
    }

    [Fact]
    public void The_same_entry_point_should_be_journalled_once()
    {
        var first = new JobEntryPointRejected(48640, 3.8, "frame 0 differs", JobSample.SubmittedAt);
        var job = JobSample.Encoding().Apply(first);

        var again = first with { Reason = "found again by another chunk" };

        Assert.False(job.Accepts(again));
        Assert.Single(job.Apply(again).RejectedEntryPoints);
        Assert.True(job.Accepts(new JobEntryPointRejected(76800, 6, "decode error", JobSample.SubmittedAt)));
    }

    [Fact]
    public void Bad_entry_points_should_survive_a_retry()
    {
        var job = JobSample.Encoding()
            .Apply(new JobEntryPointRejected(48640, 3.8, "frame 0 differs", JobSample.SubmittedAt))
            .Apply(new JobFailed("a node was lost", JobSample.SubmittedAt))
            .Apply(new JobRetried("encoding", JobSample.SubmittedAt));

        Assert.Equal([48640L], job.BadEntryPts);
    }
}
