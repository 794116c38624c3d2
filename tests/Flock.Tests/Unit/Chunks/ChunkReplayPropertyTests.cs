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
                var command = RandomChunkCommands.Next(random, before);
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
        Assert.True(after.History.Select(h => h.Attempt).SequenceEqual(Enumerable.Range(1, after.Attempts)), $"{where}: the history does not list every attempt once");
        Assert.True(after.Runs.All(r => after.History.Any(h => h.Attempt == r.Attempt && h.Node == r.Node)), $"{where}: a run missing from the history");
        if (!after.IsFinal)
            Assert.True(after.LiveRuns.All(r => !after.History.Single(h => h.Attempt == r.Attempt).IsEnded), $"{where}: a live attempt reads ended");
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
        Assert.True(live.History.SequenceEqual(replayed.History));
        Assert.Equal(live, replayed with { FailedNodes = live.FailedNodes, Runs = live.Runs, History = live.History });
    }
}
