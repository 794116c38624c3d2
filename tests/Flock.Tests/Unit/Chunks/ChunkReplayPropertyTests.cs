using Flock.Messages.Jobs;
using Flock.Seed.Chunks;
using Xunit;

namespace Flock.Tests.Unit.Chunks;

/// <summary>
/// Recovery replays the journal through Apply; over random command storms the replayed state must equal the live
/// one, and the live state must keep the invariants the seed relies on at every step.
/// </summary>
public sealed class ChunkReplayPropertyTests
{
    private static readonly string[] Nodes = ["node-a", "node-b", "node-c", "node-d"];

    private static readonly string[] KnownStatuses =
        [ChunkStates.Pending, ChunkStates.Assigned, ChunkStates.Encoding, ChunkStates.Verifying, ChunkStates.Done, ChunkStates.Failed];

    [Fact]
    public void Replaying_the_journal_should_rebuild_the_live_state_for_random_command_sequences()
    {
        var eventKinds = new HashSet<Type>();
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var chunk = ChunkDriver.Fresh(index: seed);
            var steps = random.Next(1, 60);
            for (var step = 0; step < steps; step++)
            {
                var before = chunk.State;
                var command = RandomCommand(random, before);
                var events = chunk.Send(command);
                CheckStep(before, command, events, chunk.State, seed, step);
            }

            var replayed = chunk.Journal.Aggregate(ChunkState.Initial(seed), (s, e) => s.Apply(e));

            AssertSameState(chunk.State, replayed);
            eventKinds.UnionWith(chunk.Journal.Select(e => e.GetType()));
        }

        // Guards the generator: a storm that never verifies, releases or gives up would prove little.
        var allKinds = typeof(ChunkEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ChunkEvent)));
        Assert.Equal(allKinds.OrderBy(t => t.Name), eventKinds.OrderBy(t => t.Name));
    }

    private static ChunkCommand RandomCommand(Random random, ChunkState state)
    {
        var node = Nodes[random.Next(Nodes.Length)];
        // Mostly the current attempt, sometimes an old or a future one, so stale commands are exercised too.
        var attempt = random.Next(4) == 0 ? random.Next(0, state.Attempts + 2) : state.CurrentAttempt;
        var holder = random.Next(3) == 0 ? node : state.Node ?? node;
        var sha = $"sha{random.Next(3)}";
        return random.Next(22) switch
        {
            19 => new RetryChunk(ChunkDriver.At),
            20 or 21 => new SpeculateOn(node, ChunkDriver.At.AddSeconds(random.Next(2000)), TimeSpan.FromSeconds(random.Next(0, 500))),
            0 or 6 or 7 => new AssignChunkTo(node, ChunkDriver.At.AddSeconds(random.Next(1000))),
            1 or 8 or 9 => new StartEncoding(holder, attempt),
            2 or 10 or 11 => new AcceptResult(holder, attempt, sha, random.Next(1, 1000)),
            3 or 12 or 13 => new MarkVerified(holder, attempt, sha, random.Next(1, 300)),
            4 or 14 or 15 => new FailAttempt(holder, attempt, $"error {random.Next(100)}"),
            _ => new ReleaseFromNode(holder, "unreachable"),
        };
    }

    private static void CheckStep(ChunkState before, ChunkCommand command, IReadOnlyList<ChunkEvent> events, ChunkState after, int seed, int step)
    {
        var where = $"seed {seed}, step {step}";
        Assert.True(KnownStatuses.Contains(after.Status), $"{where}: unknown status {after.Status}");
        // Only an operator's retry brings a failed chunk back; a verified one never changes.
        if (before.IsFinal && !(command is RetryChunk && before.Status == ChunkStates.Failed)) Assert.True(events.Count == 0, $"{where}: a settled chunk produced {events.Count} event(s)");
        Assert.True(after.Attempts >= before.Attempts, $"{where}: attempts went backwards");
        Assert.True(after.CurrentAttempt <= after.Attempts, $"{where}: current attempt {after.CurrentAttempt} > attempts {after.Attempts}");
        Assert.True(after.FailedNodes.Count <= ChunkState.MaxFailedAttempts, $"{where}: {after.FailedNodes.Count} failures recorded");
        Assert.True(after.FailedNodes.Distinct().Count() <= ChunkState.MaxFailedNodes, $"{where}: too many failed nodes kept going");
        if (after.Status is ChunkStates.Assigned or ChunkStates.Encoding or ChunkStates.Verifying)
            Assert.True(after.Node is not null, $"{where}: {after.Status} without a node");
        if (after.Status == ChunkStates.Done) Assert.True(after.Sha256 is not null, $"{where}: done without a hash");
        Assert.True(after.IsFinal || after.LiveRuns.Count() <= ChunkState.MaxLiveRuns, $"{where}: {after.LiveRuns.Count()} attempts running at once");
        Assert.True(after.Runs.Select(r => r.Attempt).Distinct().Count() == after.Runs.Count, $"{where}: an attempt is listed twice");
        if (!after.IsFinal) Assert.Equal(after.Runs.All(r => r.Released), after.Status == ChunkStates.Pending);
        if (after.Status == ChunkStates.Failed)
            Assert.True(
                after.FailedNodes.Distinct().Count() >= ChunkState.MaxFailedNodes || after.FailedNodes.Count >= ChunkState.MaxFailedAttempts,
                $"{where}: failed before reaching a limit");
    }

    private static void AssertSameState(ChunkState live, ChunkState replayed)
    {
        // Records compare ImmutableList by reference, so compare the list by content and the rest as a record.
        Assert.True(live.FailedNodes.SequenceEqual(replayed.FailedNodes));
        Assert.True(live.Runs.SequenceEqual(replayed.Runs));
        Assert.Equal(live, replayed with { FailedNodes = live.FailedNodes, Runs = live.Runs });
    }
}
