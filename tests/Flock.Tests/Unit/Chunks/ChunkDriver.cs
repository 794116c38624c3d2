using Flock.Seed.Chunks;
using Xunit;

namespace Flock.Tests.Unit.Chunks;

/// <summary>Runs commands through a chunk the way ChunkActor does: Process, then Apply every event it returned.</summary>
internal sealed class ChunkDriver(ChunkState state)
{
    public static readonly DateTimeOffset At = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<ChunkEvent> _journal = [];

    public ChunkState State { get; private set; } = state;

    public IReadOnlyList<ChunkEvent> Journal => _journal;

    public static ChunkDriver Fresh(int index = 7) => new(ChunkState.Initial(index));

    public IReadOnlyList<ChunkEvent> Send(ChunkCommand command)
    {
        var events = State.Process(command);
        foreach (var e in events) State = State.Apply(e);
        _journal.AddRange(events);
        return events;
    }

    /// <summary>Assigns the chunk to <paramref name="node"/> and returns the attempt number it got.</summary>
    public int Assign(string node)
    {
        var assigned = Assert.IsType<ChunkAssigned>(Assert.Single(Send(new AssignChunkTo(node, At))));
        return assigned.Attempt;
    }

    /// <summary>Assigns to <paramref name="node"/> and has that attempt fail with <paramref name="error"/>.</summary>
    public IReadOnlyList<ChunkEvent> AssignAndFail(string node, string error = "ffmpeg: conversion failed")
    {
        var attempt = Assign(node);
        Assert.Single(Send(new StartEncoding(node, attempt)));
        return Send(new FailAttempt(node, attempt, error));
    }
}
