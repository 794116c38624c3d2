using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Xunit;

namespace Flock.Tests.Unit.Chunks;

/// <summary>Duplicate and late commands are normal in a cluster; they must change nothing.</summary>
public sealed class ChunkStaleCommandTests
{
    [Fact]
    public void Chunk_should_ignore_an_assignment_when_it_is_not_pending()
    {
        var chunk = ChunkDriver.Fresh();
        chunk.Assign("node-a");

        Assert.Empty(chunk.Send(new AssignChunkTo("node-b", ChunkDriver.At)));
        Assert.Equal("node-a", chunk.State.Node);
        Assert.Equal(1, chunk.State.Attempts);
    }

    [Fact]
    public void Chunk_should_ignore_start_encoding_from_another_node_or_attempt()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");

        Assert.Empty(chunk.Send(new StartEncoding("node-b", attempt)));
        Assert.Empty(chunk.Send(new StartEncoding("node-a", attempt + 1)));
        Assert.Equal(ChunkStates.Assigned, chunk.State.Status);
    }

    [Fact]
    public void Chunk_should_ignore_a_repeated_start_encoding()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");
        chunk.Send(new StartEncoding("node-a", attempt));

        Assert.Empty(chunk.Send(new StartEncoding("node-a", attempt)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Chunk_should_ignore_a_result_for_an_attempt_that_was_never_made(int attempt)
    {
        var chunk = ChunkDriver.Fresh();
        chunk.Assign("node-a");

        Assert.Empty(chunk.Send(new AcceptResult("node-a", attempt, "ab12", 10)));
        Assert.Equal(ChunkStates.Assigned, chunk.State.Status);
    }

    [Fact]
    public void Chunk_should_ignore_a_second_upload_while_the_first_is_being_verified()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");
        chunk.Send(new AcceptResult("node-a", attempt, "ab12", 10));

        Assert.Empty(chunk.Send(new AcceptResult("node-a", attempt, "ab12", 10)));
    }

    [Fact]
    public void Chunk_should_ignore_a_result_after_it_is_done()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");
        chunk.Send(new AcceptResult("node-a", attempt, "ab12", 10));
        chunk.Send(new MarkVerified("node-a", attempt, "ab12", 250));
        var done = chunk.State;

        Assert.Empty(chunk.Send(new AcceptResult("node-a", attempt, "cd34", 10)));
        Assert.Empty(chunk.Send(new MarkVerified("node-a", attempt, "cd34", 250)));
        Assert.Empty(chunk.Send(new FailAttempt("node-a", attempt, "late failure")));
        Assert.Empty(chunk.Send(new AssignChunkTo("node-b", ChunkDriver.At)));
        Assert.Same(done, chunk.State);
    }

    [Fact]
    public void Chunk_should_ignore_a_verification_for_another_attempt()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");
        chunk.Send(new AcceptResult("node-a", attempt, "ab12", 10));

        Assert.Empty(chunk.Send(new MarkVerified("node-a", attempt + 1, "ab12", 250)));
        Assert.Equal(ChunkStates.Verifying, chunk.State.Status);
    }

    [Fact]
    public void Chunk_should_ignore_a_verification_before_any_result()
    {
        var chunk = ChunkDriver.Fresh();
        var attempt = chunk.Assign("node-a");

        Assert.Empty(chunk.Send(new MarkVerified("node-a", attempt, "ab12", 250)));
    }

    [Fact]
    public void Chunk_should_ignore_a_failure_of_an_attempt_that_is_no_longer_current()
    {
        var chunk = ChunkDriver.Fresh();
        chunk.AssignAndFail("node-a");
        chunk.Assign("node-b");

        Assert.Empty(chunk.Send(new FailAttempt("node-a", 1, "stale error")));
        Assert.Equal("node-b", chunk.State.Node);
        Assert.Single(chunk.State.FailedNodes);
    }

    [Fact]
    public void Chunk_should_ignore_a_failure_while_pending()
    {
        var chunk = ChunkDriver.Fresh();
        chunk.AssignAndFail("node-a");

        Assert.Empty(chunk.Send(new FailAttempt("node-a", 1, "reported twice")));
    }
}
