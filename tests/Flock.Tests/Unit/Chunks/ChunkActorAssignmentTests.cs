using Akka.Actor;
using Flock.Media.Options;
using Flock.Media.Planning;
using Flock.Media.Probing;
using Flock.Seed.Chunks;
using Flock.Seed.Jobs;
using Flock.Seed.Planning;
using Flock.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Flock.Tests.Unit.Chunks;

/// <summary>
/// The assignment a node receives names the attempt that was just recorded for it: a node running a second attempt
/// under the first one's number would have its result counted as the other's, and could never be cancelled.
/// </summary>
public sealed class ChunkActorAssignmentTests
{
    private static readonly TimeSpan MinElapsed = TimeSpan.FromSeconds(10);

    internal static JobPlanFiles Plan()
    {
        var tb = new TimeBase(1, 25);
        var pts = Enumerable.Range(0, 50).Select(i => (long)i).ToArray();
        var plan = new ChunkPlan(0, tb, 0, [new PlannedChunk(0, 0, 25, 25, 0, 24, true), new PlannedChunk(1, 25, null, 25, 25, 49, true)]);
        return new JobPlanFiles(new MediaInfo("mov,mp4,m4a,3gp,3g2,mj2", 0, 2, [], 0), new FrameTimeline(tb, pts, [0, 25]), plan,
            EncoderOptions.Parse(["-c:v", "libx264"]));
    }

    /// <summary>Runs <paramref name="test"/> against chunk 1 of job 42 in the seed's ActorSystem over a fresh SQLite journal.</summary>
    private static async Task WithChunkAsync(Func<IActorRef, DateTimeOffset, Task> test)
    {
        using var scratch = ScratchDirectory.Create("flock-chunk-actor");
        await using var system = await FlockTestSystem.StartSqliteAsync(scratch.Path);
        var chunk = system.System.ActorOf(ChunkActor.Props("42", 1, Plan(), scratch.Path, TimeProvider.System,
            new ChunkChecks(scratch.File("source.mp4"), Flock.Media.Verification.VerifyLevel.FirstFrames, []), NullLoggerFactory.Instance), "chunk-1");
        await test(chunk, DateTimeOffset.UtcNow);
    }

    [Fact]
    public Task Speculative_attempt_should_carry_its_own_number_while_the_first_is_encoding() => WithChunkAsync(async (chunk, now) =>
    {
        var first = Assert.IsType<ChunkClaimed>(await chunk.Ask<object>(new AssignChunkTo("slow", now)));
        chunk.Tell(new StartEncoding("slow", first.Assignment.Attempt));
        var second = Assert.IsType<ChunkClaimed>(await chunk.Ask<object>(new SpeculateOn("fast", now + MinElapsed, MinElapsed)));

        Assert.Equal(1, first.Assignment.Attempt);
        Assert.Equal(2, second.Assignment.Attempt);
        Assert.Equal(25, second.Assignment.StartPts);
    });

    [Fact]
    public Task Taken_over_chunk_should_go_out_under_a_new_attempt() => WithChunkAsync(async (chunk, now) =>
    {
        var first = Assert.IsType<ChunkClaimed>(await chunk.Ask<object>(new AssignChunkTo("busy", now)));
        var taken = Assert.IsType<ChunkClaimed>(await chunk.Ask<object>(new TakeOver("idle", "busy", now)));

        Assert.Equal(first.Assignment.Attempt + 1, taken.Assignment.Attempt);
        Assert.IsType<NothingToClaim>(await chunk.Ask<object>(new TakeOver("other", "busy", now)));
    });
}
