using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Flock.Seed.Storage;
using Xunit;

namespace Flock.Tests.Unit.Chunks;

/// <summary>Every attempt of a chunk stays in its history with how it ended, so a retry that succeeded does not hide a failure.</summary>
public sealed class ChunkHistoryTests
{
    private static readonly DateTimeOffset Start = ChunkDriver.At;

    /// <summary>Processes the command and applies its events stamped with <paramref name="at"/>, as ChunkActor journals them.</summary>
    private static ChunkState Send(ChunkState state, ChunkCommand command, DateTimeOffset at) =>
        state.Process(command).Select(e => e with { RecordedAt = at }).Aggregate(state, (s, e) => s.Apply(e));

    [Fact]
    public void Failed_attempt_should_stay_in_the_history_with_its_node_times_and_first_error_line_after_a_retry_succeeds()
    {
        var chunk = ChunkState.Initial(3);
        chunk = Send(chunk, new AssignChunkTo("box2", Start), Start);
        chunk = Send(chunk, new StartEncoding("box2", 1), Start.AddSeconds(1));
        chunk = Send(chunk, new FailAttempt("box2", 1, "ffmpeg failed on chunk 3: Invalid data found when processing input\nframe=  12 fps=0.0"), Start.AddSeconds(4));
        chunk = Send(chunk, new AssignChunkTo("box1", Start.AddSeconds(5)), Start.AddSeconds(5));
        chunk = Send(chunk, new StartEncoding("box1", 2), Start.AddSeconds(6));
        chunk = Send(chunk, new AcceptResult("box1", 2, "ab12", 52_345), Start.AddSeconds(9));
        chunk = Send(chunk, new MarkVerified("box1", 2, "ab12", 75), Start.AddSeconds(10));

        Assert.Equal(ChunkStates.Done, chunk.Status);
        Assert.Equal(
        [
            new ChunkAttempt(1, "box2", Start, AttemptOutcomes.Failed, Start.AddSeconds(4), "ffmpeg failed on chunk 3: Invalid data found when processing input",
                EncodingAt: Start.AddSeconds(1)),
            // When its encode started and its result arrived are kept too: where the job's time went is read from them.
            new ChunkAttempt(2, "box1", Start.AddSeconds(5), AttemptOutcomes.Done, Start.AddSeconds(10), null, 52_345, Start.AddSeconds(6), Start.AddSeconds(9)),
        ], chunk.History);
    }

    [Fact]
    public void Running_attempt_should_read_encoding_then_verifying_with_the_uploaded_bytes()
    {
        var chunk = Send(ChunkState.Initial(0), new AssignChunkTo("box1", Start), Start);
        Assert.Equal(AttemptOutcomes.Assigned, Assert.Single(chunk.History).Outcome);

        chunk = Send(chunk, new StartEncoding("box1", 1), Start.AddSeconds(1));
        Assert.Equal(AttemptOutcomes.Encoding, Assert.Single(chunk.History).Outcome);

        chunk = Send(chunk, new AcceptResult("box1", 1, "ff", 1234), Start.AddSeconds(2));
        var verifying = Assert.Single(chunk.History);
        Assert.Equal(AttemptOutcomes.Verifying, verifying.Outcome);
        Assert.Equal(1234, verifying.Bytes);
        Assert.Null(verifying.Ended);
    }

    [Fact]
    public void Losing_speculative_attempt_should_read_cancelled_naming_the_attempt_that_finished_first()
    {
        var chunk = Send(ChunkState.Initial(5), new AssignChunkTo("slow", Start), Start);
        chunk = Send(chunk, new StartEncoding("slow", 1), Start);
        chunk = Send(chunk, new SpeculateOn("fast", Start.AddSeconds(30), TimeSpan.FromSeconds(10)), Start.AddSeconds(30));
        chunk = Send(chunk, new AcceptResult("fast", 2, "cd", 99), Start.AddSeconds(40));
        chunk = Send(chunk, new MarkVerified("fast", 2, "cd", 50), Start.AddSeconds(41));

        var loser = chunk.History.Single(h => h.Attempt == 1);
        Assert.Equal(AttemptOutcomes.Cancelled, loser.Outcome);
        Assert.Equal(Start.AddSeconds(41), loser.Ended);
        Assert.Equal("attempt 2 on fast finished first", loser.Error);
        Assert.Equal(AttemptOutcomes.Done, chunk.History.Single(h => h.Attempt == 2).Outcome);
    }

    [Fact]
    public void Released_attempt_should_read_released_until_its_late_result_arrives()
    {
        var chunk = Send(ChunkState.Initial(1), new AssignChunkTo("box1", Start), Start);
        chunk = Send(chunk, new ReleaseFromNode("box1", "node lost"), Start.AddSeconds(3));
        Assert.Equal(new ChunkAttempt(1, "box1", Start, AttemptOutcomes.Released, Start.AddSeconds(3), "node lost"), Assert.Single(chunk.History));

        chunk = Send(chunk, new AcceptResult("box1", 1, "ee", 77), Start.AddSeconds(5));

        Assert.Equal(new ChunkAttempt(1, "box1", Start, AttemptOutcomes.Verifying, null, null, 77, ReceivedAt: Start.AddSeconds(5)), Assert.Single(chunk.History));
    }

    [Fact]
    public void Retry_should_close_the_attempts_it_drops_as_cancelled()
    {
        var chunk = Send(ChunkState.Initial(2), new AssignChunkTo("box1", Start), Start);
        chunk = Send(chunk, new StartEncoding("box1", 1), Start);

        chunk = Send(chunk, new RetryChunk(Start.AddMinutes(1)), Start.AddMinutes(1));

        Assert.Equal(new ChunkAttempt(1, "box1", Start, AttemptOutcomes.Cancelled, Start.AddMinutes(1), "job retried", EncodingAt: Start), Assert.Single(chunk.History));
    }

    [Fact]
    public void Chunk_event_journalled_before_recorded_at_existed_should_still_read()
    {
        var old = """{"Node":"box1","Attempt":1,"Error":"boom","EntryBlamed":false}""";

        var e = (ChunkAttemptFailed)SeedEventTypes.Create().Deserialize(System.Text.Encoding.UTF8.GetBytes(old), "chunk-attempt-failed");

        Assert.Null(e.RecordedAt);
        Assert.Equal(new ChunkAttemptFailed("box1", 1, "boom"), e);
    }

    [Fact]
    public void Snapshot_should_keep_the_history_through_the_journal_serializer()
    {
        var chunk = Send(ChunkState.Initial(4), new AssignChunkTo("box1", Start), Start);
        chunk = Send(chunk, new FailAttempt("box1", 1, "x264 broke"), Start.AddSeconds(2));
        var types = SeedEventTypes.Create();

        var read = (ChunkState)types.Deserialize(types.Serialize(chunk), types.ManifestOf(typeof(ChunkState)));

        Assert.Equal(chunk.History, read.History);
    }
}
