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
            // ffmpeg says 0 fps for its first second and until x264's lookahead lets a frame out: not a rate yet.
            IsRunning && EncodedFrames > 0 && FramesPerSecond > 0 ? Math.Round(FramesPerSecond, 1) : null,
            State.IsFinal ? [] : State.Runs.Select(r => new ChunkRunResponse(r.Attempt, r.Node,
                r.Verifying ? ChunkStates.Verifying : r.Released ? "released" : r.Encoding ? ChunkStates.Encoding : ChunkStates.Assigned)).ToArray(),
            State.History.Select(h => h.ToResponse()).ToArray());
    }

    /// <summary>A chunk of a settled job, from the summary journalled when it settled.</summary>
    public static ChunkResponse ToResponse(SettledChunk chunk) =>
        new(chunk.Index, chunk.Status, chunk.Attempts, chunk.Node, chunk.Frames, chunk.Status == ChunkStates.Done ? 100 : 0, null, [],
            chunk.History.Select(h => h.ToResponse()).ToArray());

    /// <summary>Expected seconds until the chunk is encoded at its reported speed; infinite before any progress report.</summary>
    public double SecondsLeft(int frameCount) =>
        FramesPerSecond > 0 ? Math.Max(0, frameCount - EncodedFrames) / FramesPerSecond : double.PositiveInfinity;
}
