using Flock.Messages.Jobs;
using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>A job moves forward one stage at a time: queued, encoding, assembling, completed.</summary>
public sealed class JobStageTransitionTests
{
    [Fact]
    public void Job_should_start_queued_with_its_spec_and_submission_time()
    {
        var job = JobSample.Queued();

        Assert.Equal(JobStates.Queued, job.Stage);
        Assert.Same(JobSample.Spec, job.Spec);
        Assert.Equal(JobSample.SubmittedAt, job.SubmittedAt);
        Assert.False(job.IsFinal);
        Assert.Null(job.FinishedAt);
    }

    [Fact]
    public void Job_should_go_from_queued_to_completed_through_encoding_and_assembling()
    {
        var job = JobSample.Queued();

        var planned = new JobPlanned(12, 3000, "libx265");
        Assert.True(job.Accepts(planned));
        job = job.Apply(planned);
        Assert.Equal(JobStates.Encoding, job.Stage);
        Assert.Equal(12, job.ChunkCount);
        Assert.Equal(3000, job.TotalFrames);
        Assert.Equal("libx265", job.VideoEncoder);

        var assembling = new JobAssemblyStarted(JobSample.SubmittedAt.AddMinutes(5));
        Assert.True(job.Accepts(assembling));
        job = job.Apply(assembling);
        Assert.Equal(JobStates.Assembling, job.Stage);

        var finishedAt = JobSample.SubmittedAt.AddMinutes(6);
        var completed = new JobCompleted("/out/result (1).mkv", finishedAt);
        Assert.True(job.Accepts(completed));
        job = job.Apply(completed);
        Assert.Equal(JobStates.Completed, job.Stage);
        Assert.True(job.IsFinal);
        Assert.Equal(finishedAt, job.FinishedAt);
        // The output may have been renamed to avoid overwriting; the job reports where it really went.
        Assert.Equal("/out/result (1).mkv", job.Spec.OutputPath);
        Assert.Equal("job-1", job.Spec.Id);
    }

    [Fact]
    public void Job_should_not_skip_or_repeat_stages()
    {
        Assert.False(JobSample.Queued().Accepts(JobSample.Event("assembly-started")));
        Assert.False(JobSample.Queued().Accepts(JobSample.Event("completed")));
        Assert.False(JobSample.Encoding().Accepts(JobSample.Event("planned")));
        Assert.False(JobSample.Encoding().Accepts(JobSample.Event("completed")));
        Assert.False(JobSample.Assembling().Accepts(JobSample.Event("planned")));
        Assert.False(JobSample.Assembling().Accepts(JobSample.Event("assembly-started")));
    }

    [Fact]
    public void Job_should_accept_failure_and_cancellation_in_any_unsettled_stage()
    {
        foreach (var job in new[] { JobSample.Queued(), JobSample.Encoding(), JobSample.Assembling() })
        {
            Assert.True(job.Accepts(JobSample.Event("failed")), job.Stage);
            Assert.True(job.Accepts(JobSample.Event("cancelled")), job.Stage);
        }
    }

    [Fact]
    public void Job_should_refuse_to_be_submitted_twice()
    {
        Assert.Throws<InvalidOperationException>(() => JobSample.Encoding().Apply(new JobSubmitted(JobSample.Spec, JobSample.SubmittedAt)));
    }
}
