using Flock.Seed.Chunks;

namespace Flock.Tests.Unit.Chunks;

/// <summary>
/// Random commands for the replay properties (pure and through the journal): every kind a chunk accepts, from a few
/// nodes, mostly for the current attempt and sometimes for an old or a future one, so stale commands are exercised too.
/// </summary>
internal static class RandomChunkCommands
{
    public static readonly string[] Nodes = ["node-a", "node-b", "node-c", "node-d"];

    public static ChunkCommand Next(Random random, ChunkState state)
    {
        var node = Nodes[random.Next(Nodes.Length)];
        var attempt = random.Next(4) == 0 ? random.Next(0, state.Attempts + 2) : state.CurrentAttempt;
        var holder = random.Next(3) == 0 ? node : state.Node ?? node;
        var sha = $"sha{random.Next(3)}";
        return random.Next(24) switch
        {
            19 => new RetryChunk(ChunkDriver.At),
            20 or 21 => new SpeculateOn(node, ChunkDriver.At.AddSeconds(random.Next(2000)), TimeSpan.FromSeconds(random.Next(0, 500))),
            22 or 23 => new TakeOver(node, holder, ChunkDriver.At.AddSeconds(random.Next(1000))),
            0 or 6 or 7 => new AssignChunkTo(node, ChunkDriver.At.AddSeconds(random.Next(1000))),
            1 or 8 or 9 => new StartEncoding(holder, attempt),
            2 or 10 or 11 => new AcceptResult(holder, attempt, sha, random.Next(1, 1000)),
            3 or 12 or 13 => new MarkVerified(holder, attempt, sha, random.Next(1, 300)),
            4 or 14 or 15 => new FailAttempt(holder, attempt, $"error {random.Next(100)}"),
            _ => new ReleaseFromNode(holder, "unreachable"),
        };
    }
}
