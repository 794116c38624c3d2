using Flock.Messages.Jobs;
using Flock.Seed.Chunks;

namespace Flock.Seed.Jobs;

/// <summary>What the job knows of one chunk between the chunk actor's reports, plus live progress that is not journalled.</summary>
internal sealed record ChunkView(ChunkState State, int EncodedFrames, double FramesPerSecond)
{
    public ChunkResponse ToResponse() => new(State.Index, State.Status, State.Attempts, State.Node, State.Status == ChunkStates.Done ? State.Frames : EncodedFrames);
}
