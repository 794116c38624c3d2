using System.Diagnostics;
using System.Text.Json;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>A node that fails chunk after chunk is set aside (and says so in pbm), then comes back by itself.</summary>
public sealed class QuarantineTests
{
    [Fact]
    public async Task Node_whose_chunks_keep_failing_should_be_quarantined_and_return_after_the_duration()
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync(config: "flock.seed.quarantine { failures = 2, window = 1m, duration = 6s }");
        // Every chunk encode fails on this node, as with a broken ffmpeg build; the benchmark still works.
        var broken = await cluster.ScriptAsync("ffmpeg-broken",
            "for a in \"$@\"; do [ \"$a\" = -copyts ] && exec ffmpeg -nostdin -v error -i /nonexistent/flock-broken-node.mp4 -f null -; done\nexec ffmpeg \"$@\"\n");
        await cluster.StartNodeAsync("broken", env: new Dictionary<string, string> { ["FLOCK_FFMPEG"] = broken });
        await cluster.Seed!.WaitForOutputAsync("node broken is up", TimeSpan.FromSeconds(60));
        await cluster.StartNodeAsync("good");

        var source = await TestClips.ConstantFrameRateMp4();
        var output = cluster.Scratch.File("out.mp4");
        var clock = Stopwatch.StartNew();
        var id = await cluster.SubmitDetachedAsync(source, output, 1, [.. ReferenceEncode.DefaultVideoOptions]);

        var quarantined = await WaitForNodeAsync(cluster, "broken", n => n.GetProperty("status").GetString() == "quarantined", "broken quarantined");
        var detected = clock.Elapsed;
        var quarantinedUntil = quarantined.GetProperty("quarantinedUntil").GetDateTimeOffset();
        Assert.True(quarantinedUntil > DateTimeOffset.UtcNow.AddSeconds(-10));
        var show = await cluster.PbmAsync("cluster", "show");
        // Says until when, to the second, as the JSON has it.
        var untilText = quarantinedUntil.ToUniversalTime().ToString("HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(show.Stdout.Split('\n'), line => line.Contains(" | broken | ", StringComparison.Ordinal) && line.Contains($" | quarantined until {untilText} | ", StringComparison.Ordinal));

        var wait = await cluster.PbmAsync("job", "wait", id);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr);
        // The chunks the healthy node finished still list the broken node's failed attempts, with ffmpeg's error.
        var failedOnBroken = (await cluster.JobAsync(id)).GetProperty("chunks").EnumerateArray()
            .SelectMany(c => c.GetProperty("history").EnumerateArray().Select(a => (Chunk: c, Attempt: a)))
            .Where(x => x.Attempt.GetProperty("node").GetString() == "broken" && x.Attempt.GetProperty("outcome").GetString() == "failed")
            .ToList();
        Assert.True(failedOnBroken.Count >= 2, "the two failures that quarantined the node should be in the history");
        Assert.All(failedOnBroken, x => Assert.Contains("/nonexistent/flock-broken-node.mp4: No such file or directory", x.Attempt.GetProperty("error").GetString(), StringComparison.Ordinal));
        Assert.All(failedOnBroken, x => Assert.Equal("done", x.Chunk.GetProperty("state").GetString()));
        var fetch = await cluster.PbmAsync("job", "fetch", id, output);
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        var reference = await ReferenceEncode.EncodeAsync(source, cluster.Scratch.File("reference.mp4"), [.. ReferenceEncode.DefaultVideoOptions]);
        await MediaComparer.AssertEquivalentAsync(reference, output);

        var back = await WaitForNodeAsync(cluster, "broken", n => n.GetProperty("status").GetString() == "up", "broken back from quarantine");
        Assert.True(!back.TryGetProperty("quarantinedUntil", out var until) || until.ValueKind == JsonValueKind.Null, back.ToString());
        await cluster.Seed.WaitForOutputAsync("node broken back from quarantine", TimeSpan.FromSeconds(5));
        ReliabilityLog.Record("a node whose chunk encodes keep failing (broken ffmpeg)",
            "2 different chunks reported failed within the window: quarantined, shown in pbm cluster show",
            detected, "nothing (its chunks were encoded by the healthy node; the job's output is exact)",
            nameof(Node_whose_chunks_keep_failing_should_be_quarantined_and_return_after_the_duration));
    }

    private static async Task<JsonElement> WaitForNodeAsync(TestCluster cluster, string name, Func<JsonElement, bool> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var show = await cluster.PbmAsync("cluster", "show", "--json");
            Assert.True(show.ExitCode == 0, show.Stderr);
            var node = JsonDocument.Parse(show.Stdout).RootElement.GetProperty("nodes").EnumerateArray().First(n => n.GetProperty("name").GetString() == name).Clone();
            if (condition(node)) return node;
            if (DateTime.UtcNow > until) Assert.Fail($"timed out waiting for {what}: {node}");
            await Task.Delay(100);
        }
    }
}
