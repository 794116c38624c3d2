using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

internal static class JobSample
{
    public static readonly DateTimeOffset SubmittedAt = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static readonly JobSpec Spec = new("job-1", "/data/in.mkv", "in.mkv", "/out/result.mkv", ["-crf", "20"], 30, 0);

    public static JobState Queued() => JobState.Start(new JobSubmitted(Spec, SubmittedAt));

    public static JobState Encoding() => Queued().Apply(new JobPlanned(12, 3000, "libx264"));

    public static JobState Assembling() => Encoding().Apply(new JobAssemblyStarted(SubmittedAt.AddMinutes(5)));

    /// <summary>One of every event a job can be offered after submission.</summary>
    public static TheoryData<string> EventNames => new() { "planned", "assembly-started", "completed", "failed", "cancelled" };

    public static JobEvent Event(string name) => name switch
    {
        "planned" => new JobPlanned(12, 3000, "libx264"),
        "assembly-started" => new JobAssemblyStarted(SubmittedAt.AddMinutes(5)),
        "completed" => new JobCompleted("/out/final.mkv", SubmittedAt.AddMinutes(6)),
        "failed" => new JobFailed("boom", SubmittedAt.AddMinutes(6)),
        "cancelled" => new JobCancelled(SubmittedAt.AddMinutes(6)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
