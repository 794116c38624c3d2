using Flock.Messages.Jobs;
using Flock.Seed.Chunks;

namespace Flock.Seed.Jobs;

/// <summary>What the job knows of one chunk between the chunk actor's reports, plus live progress that is not journalled.</summary>
internal sealed record ChunkView(ChunkState State, int EncodedFrames, double FramesPerSecond)
{
    public bool IsRunning => State.Status is ChunkStates.Assigned or ChunkStates.Encoding;

    public ChunkResponse ToResponse(int expectedFrames)
    {
        var done = State.Status == ChunkStates.Done;
        return new(State.Index, State.Status, State.Attempts, State.Node, done ? State.Frames : EncodedFrames,
            Math.Round(JobThroughput.ChunkPercent(done, EncodedFrames, expectedFrames), 1),
            IsRunning ? Math.Round(FramesPerSecond, 1) : null);
    }
}
