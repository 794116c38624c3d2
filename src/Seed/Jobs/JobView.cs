using Flock.Messages.Jobs;
using Flock.Seed.Chunks;

namespace Flock.Seed.Jobs;

/// <summary>What the job knows of one chunk between the chunk actor's reports, plus live progress that is not journalled.</summary>
internal sealed record ChunkView(ChunkState State, int EncodedFrames, double FramesPerSecond)
{
    public ChunkResponse ToResponse() => new(State.Index, State.Status, State.Attempts, State.Node, State.Status == ChunkStates.Done ? State.Frames : EncodedFrames,
        State.IsFinal ? [] : State.Runs.Select(r => new ChunkRunResponse(r.Attempt, r.Node, r.Verifying ? ChunkStates.Verifying : r.Released ? "released" : r.Encoding ? ChunkStates.Encoding : ChunkStates.Assigned)).ToArray());

    /// <summary>Expected seconds until the chunk is encoded at its reported speed; infinite before any progress report.</summary>
    public double SecondsLeft(int frameCount) =>
        FramesPerSecond > 0 ? Math.Max(0, frameCount - EncodedFrames) / FramesPerSecond : double.PositiveInfinity;
}
