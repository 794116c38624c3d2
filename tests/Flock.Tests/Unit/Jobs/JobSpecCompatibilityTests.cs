using Flock.Seed.Jobs;
using Flock.Seed.Storage;
using Xunit;

namespace Flock.Tests.Unit.Jobs;

/// <summary>Journals written before JobSpec carried the user's OUT still replay, and their jobs show what they showed.</summary>
public sealed class JobSpecCompatibilityTests
{
    [Fact]
    public void Job_submitted_event_without_the_users_output_should_replay_and_show_the_delivery_path()
    {
        const string old = """{"Spec":{"Id":"3","InputPath":"/d/jobs/3/input.mp4","InputName":"talk.mp4","OutputPath":"/d/jobs/3/output.mkv","Options":["-c:v","libx264"],"ChunkSeconds":30,"Priority":0},"At":"2026-11-21T06:31:02+00:00"}""";
        var replayed = (JobSubmitted)SeedEventTypes.Create().Deserialize(System.Text.Encoding.UTF8.GetBytes(old), "job-submitted");

        Assert.Null(replayed.Spec.UserOutput);
        Assert.Equal("/d/jobs/3/output.mkv", replayed.Spec.OutputShown());
    }

    [Fact]
    public void Job_submitted_event_should_keep_the_users_output_across_a_round_trip()
    {
        var types = SeedEventTypes.Create();
        var spec = new JobSpec("4", "/d/in.mp4", "in.mp4", "/d/jobs/4/output.mkv", [], 30, 0, "~/videos/wanted.mkv");
        var submitted = new JobSubmitted(spec, DateTimeOffset.UnixEpoch);
        var json = types.Serialize(submitted);

        var back = (JobSubmitted)types.Deserialize(json, types.ManifestOf(submitted.GetType()));

        Assert.Equal("~/videos/wanted.mkv", back.Spec.OutputShown());
        Assert.Equal("-", (spec with { UserOutput = "" }).OutputShown());
    }
}
