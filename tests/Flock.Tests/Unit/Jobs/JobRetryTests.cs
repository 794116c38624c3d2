using Flock.Messages.Jobs;
using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>Only a failed or cancelled job may run again; it then loses its error and finish time.</summary>
public sealed class JobRetryTests
{
    [Fact]
    public void Failed_job_should_accept_a_retry_and_be_encoding_again_without_its_error()
    {
        var job = JobSample.Encoding().Apply(JobSample.Event("failed"));
        var retry = new JobRetried(JobStates.Encoding, JobSample.SubmittedAt.AddMinutes(9));

        Assert.True(job.Accepts(retry));
        job = job.Apply(retry);

        Assert.Equal(JobStates.Encoding, job.Stage);
        Assert.Null(job.Error);
        Assert.Null(job.FinishedAt);
        Assert.False(job.IsFinal);
    }

    [Fact]
    public void Cancelled_job_should_accept_a_retry()
    {
        Assert.True(JobSample.Queued().Apply(JobSample.Event("cancelled")).Accepts(new JobRetried(JobStates.Queued, JobSample.SubmittedAt)));
    }

    [Fact]
    public void Completed_or_running_job_should_refuse_a_retry()
    {
        var retry = new JobRetried(JobStates.Encoding, JobSample.SubmittedAt);
        Assert.False(JobSample.Assembling().Apply(JobSample.Event("completed")).Accepts(retry));
        Assert.False(JobSample.Encoding().Accepts(retry));
    }

    [Fact]
    public void Priority_change_should_change_the_spec_and_only_while_the_job_is_not_final()
    {
        var change = new JobPriorityChanged(9, JobSample.SubmittedAt);
        Assert.Equal(9, JobSample.Encoding().Apply(change).Spec.Priority);
        Assert.False(JobSample.Encoding().Apply(JobSample.Event("failed")).Accepts(change));
    }
}
