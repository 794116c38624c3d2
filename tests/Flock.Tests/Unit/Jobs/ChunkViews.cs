using System.Collections.Immutable;
using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Flock.Seed.Jobs;

namespace Flock.Tests.Unit.Jobs;

/// <summary>A job actor's views of its chunks, as the scheduling rules (placement, take-over, speculation) see them.</summary>
internal static class ChunkViews
{
    public static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ChunkView Pending(int index) => new(ChunkState.Initial(index), 0, 0);

    /// <summary>Encoding on <paramref name="node"/> since <see cref="At"/>, <paramref name="encoded"/> frames in at <paramref name="fps"/>.</summary>
    public static ChunkView Running(int index, string node, int encoded, double fps = 20) => new(
        ChunkState.Initial(index) with
        {
            Status = ChunkStates.Encoding, Attempts = 1, CurrentAttempt = 1, Node = node,
            Runs = ImmutableList.Create(new ChunkRun(1, node, At, Encoding: true)),
        }, encoded, fps);

    /// <summary>Handed to <paramref name="node"/> <paramref name="secondsLater"/> after <see cref="At"/>, not started: in its reserve.</summary>
    public static ChunkView Reserved(int index, string node, int secondsLater = 1) => new(
        ChunkState.Initial(index) with
        {
            Status = ChunkStates.Assigned, Attempts = 1, CurrentAttempt = 1, Node = node,
            Runs = ImmutableList.Create(new ChunkRun(1, node, At.AddSeconds(secondsLater))),
        }, 0, 0);

    public static ChunkView Done(int index) => new(ChunkState.Initial(index) with { Status = ChunkStates.Done, Attempts = 1, CurrentAttempt = 1 }, 0, 0);
}
