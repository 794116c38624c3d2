using Flock.Seed.Chunks;
using Flock.Seed.Jobs;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

internal static class JobSample
{
    public static readonly DateTimeOffset SubmittedAt = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static readonly JobSpec Spec = new("job-1", "/data/in.mkv", "in.mkv", "/out/result.mkv", ["-crf", "20"], 30, 0);

    /// <summary>Chunk <paramref name="index"/> as its job summarises it once verified: one attempt on box1, 250 frames.</summary>
    public static SettledChunk VerifiedChunk(int index, DateTimeOffset at) =>
        SettledChunk.Of(new[] { (ChunkEvent)new ChunkAssigned("box1", 1, at), new ChunkResultReceived("box1", 1, "ab12", 4096),
                new ChunkVerified("box1", 1, "ab12", 250) { RecordedAt = at.AddSeconds(9) } }
            .Aggregate(ChunkState.Initial(index), (s, e) => s.Apply(e)), at.AddSeconds(9), "verified");

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
