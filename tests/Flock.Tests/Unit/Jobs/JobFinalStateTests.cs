using Flock.Messages.Jobs;
using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>Completed, failed and cancelled jobs are settled: nothing that arrives later may change them.</summary>
public sealed class JobFinalStateTests
{
    [Fact]
    public void Failed_job_should_record_the_reason_and_time()
    {
        var at = JobSample.SubmittedAt.AddMinutes(3);

        var job = JobSample.Encoding().Apply(new JobFailed("chunk 4 failed on 3 node(s)", at));

        Assert.Equal(JobStates.Failed, job.Stage);
        Assert.True(job.IsFinal);
        Assert.Equal("chunk 4 failed on 3 node(s)", job.Error);
        Assert.Equal(at, job.FinishedAt);
    }

    [Fact]
    public void Cancelled_job_should_record_the_time()
    {
        var at = JobSample.SubmittedAt.AddMinutes(1);

        var job = JobSample.Queued().Apply(new JobCancelled(at));

        Assert.Equal(JobStates.Cancelled, job.Stage);
        Assert.True(job.IsFinal);
        Assert.Equal(at, job.FinishedAt);
    }

    [Theory]
    [MemberData(nameof(JobSample.EventNames), MemberType = typeof(JobSample))]
    public void Completed_job_should_accept_no_further_event(string eventName)
    {
        var job = JobSample.Assembling().Apply(JobSample.Event("completed"));

        Assert.False(job.Accepts(JobSample.Event(eventName)));
    }

    [Theory]
    [MemberData(nameof(JobSample.EventNames), MemberType = typeof(JobSample))]
    public void Failed_job_should_accept_no_further_event(string eventName)
    {
        var job = JobSample.Encoding().Apply(JobSample.Event("failed"));

        Assert.False(job.Accepts(JobSample.Event(eventName)));
    }

    [Theory]
    [MemberData(nameof(JobSample.EventNames), MemberType = typeof(JobSample))]
    public void Cancelled_job_should_accept_no_further_event(string eventName)
    {
        var job = JobSample.Queued().Apply(JobSample.Event("cancelled"));

        Assert.False(job.Accepts(JobSample.Event(eventName)));
    }

    [Fact]
    public void Plan_finishing_after_a_cancel_should_not_be_accepted()
    {
        // Planning runs in the background; a cancel can land before its result does.
        var job = JobSample.Queued().Apply(new JobCancelled(JobSample.SubmittedAt.AddSeconds(1)));

        Assert.False(job.Accepts(new JobPlanned(12, 3000, "libx264")));
    }
}
