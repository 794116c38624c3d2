using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Flock.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Flock.Tests.Integration.Faults;

/// <summary>
/// Results that go wrong on their way to the seed, over the cluster transport: a seed that dies halfway through
/// receiving one, and a partial result the seed's disk damaged meanwhile.
/// </summary>
public sealed class TransferTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Seed_killed_mid_upload_should_resume_the_upload_from_its_offset_without_encoding_again()
    {
        await using var rig = await FaultRig.StartAsync(isolatedNode: true, seedConfig: RejoinGrace);
        var (a, source, id, partial) = await KillSeedMidUploadAsync(rig);
        var clock = Stopwatch.StartNew();

        var seed = await rig.RestartSeedAsync();
        var resuming = $"job {id} chunk {partial.Index} attempt {partial.Attempt} from node-a: resuming upload at byte ";
        await seed.WaitForOutputAsync(resuming, TimeSpan.FromMinutes(1));
        var offset = long.Parse(Regex.Match(seed.Output, Regex.Escape(resuming) + @"(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(offset >= partial.Bytes, $"the upload should go on from at least the {partial.Bytes} bytes seen before the kill, not from {offset}");
        await a.WaitForOutputAsync($"job {id} chunk {partial.Index} attempt {partial.Attempt} uploaded, resumed at byte {offset}", TimeSpan.FromMinutes(1));
        var recovery = clock.Elapsed;

        var job = await rig.AssertCompletedExactlyAsync(id, source, a);
        // The result finished before the crash was sent on after it, not encoded again.
        Assert.True(FaultRig.Chunk(job, partial.Index).GetProperty("attempts").GetInt32() == 1, $"chunk {partial.Index} was encoded again:\nseed:\n{seed.Output}\nnode-a:\n{a.Output}");
        output.WriteLine($"seed after its restart:\n{seed.Output}\nnode-a:\n{a.Output}");
        ReliabilityLog.Record("seed SIGKILLed mid-upload and restarted on the same data dir",
            "the node's session breaks; it rejoins, offers the result again and the seed says how much it holds",
            recovery, "nothing (upload resumed from the bytes the seed held, chunk not encoded again)",
            nameof(Seed_killed_mid_upload_should_resume_the_upload_from_its_offset_without_encoding_again));
    }

    [Fact]
    public async Task A_partial_result_damaged_on_the_seed_should_be_caught_by_the_checksum_and_sent_again_whole()
    {
        // Over TLS nothing on the wire can flip a byte unnoticed; what the checksum still has to catch is the seed's own
        // copy going bad (a crash leaving garbage in a half-written file): the resumed result then hashes wrong.
        await using var rig = await FaultRig.StartAsync(isolatedNode: true, seedConfig: RejoinGrace);
        var (a, source, id, partial) = await KillSeedMidUploadAsync(rig);
        var file = FaultRig.PartialUploadFile(rig.Cluster.DataDir, id, partial.Index, partial.Attempt);
        await using (var damage = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
        {
            damage.Position = 4096;
            var original = damage.ReadByte();
            damage.Position = 4096;
            damage.WriteByte((byte)~original);
        }
        var clock = Stopwatch.StartNew();

        var seed = await rig.RestartSeedAsync();
        var key = $"job {id} chunk {partial.Index} attempt {partial.Attempt}";
        await seed.WaitForOutputAsync($"{key} from node-a: resuming upload at byte ", TimeSpan.FromMinutes(1));
        await seed.WaitForOutputAsync($"job {id} chunk {partial.Index} from node-a: checksum mismatch", TimeSpan.FromMinutes(1));
        await a.WaitForOutputAsync($"{key}: upload failed: upload refused: checksum mismatch", TimeSpan.FromSeconds(30));
        // Sent again from its first byte: the damaged copy was dropped, not resumed a second time.
        await a.WaitForOutputAsync($"{key} uploaded", TimeSpan.FromMinutes(1));
        Assert.DoesNotMatch(Regex.Escape($"{key} uploaded, resumed"), a.Output);
        var recovery = clock.Elapsed;

        var job = await rig.AssertCompletedExactlyAsync(id, source, a);
        // The damaged copy never counted: the same attempt was sent again and verified, no new encode was needed.
        Assert.True(FaultRig.Chunk(job, partial.Index).GetProperty("attempts").GetInt32() == 1, $"chunk {partial.Index} was encoded again:\nseed:\n{seed.Output}\nnode-a:\n{a.Output}");
        output.WriteLine($"seed after its restart:\n{seed.Output}\nnode-a:\n{a.Output}");
        ReliabilityLog.Record("a partial chunk result damaged on the seed's disk (seed SIGKILLed mid-upload, one byte flipped, restarted)",
            "SHA-256 of the whole result checked by the seed after the resumed upload; the damaged copy is dropped",
            recovery, "nothing (same attempt sent again whole)", nameof(A_partial_result_damaged_on_the_seed_should_be_caught_by_the_checksum_and_sent_again_whole));
    }

    /// <summary>
    /// What these tests show is the resume, not how fast a node rejoins a restarted seed (measured as their recovery):
    /// under the full suite's load the node's session came back 10 s after the kill, past the rig's 6 s orphan grace,
    /// and the restarted seed had handed its chunks to it again under a new attempt. The default grace is 10 s.
    /// </summary>
    private const string RejoinGrace = "flock.seed.orphan-grace = 20s";

    /// <summary>
    /// node-a on a link of its own, slow for its megabytes of results, sends its first one; once the seed holds part of
    /// it (written through to its disk as it arrives), the seed is SIGKILLed and the link made fast again.
    /// </summary>
    private static async Task<(FlockProcess Node, string Source, string Id, FaultRig.PartialUpload Partial)> KillSeedMidUploadAsync(FaultRig rig)
    {
        await rig.Network!.ThrottleAsync(1 << 20, TimeSpan.FromMilliseconds(250));
        var a = await rig.IsolatedNodeAsync("node-a");
        var source = await rig.BulkyClipAsync();
        var id = await rig.SubmitAsync(source, chunkSeconds: 2);

        var partial = await rig.UntilPartialUploadAsync(id, atLeast: 256 * 1024);
        rig.Cluster.Seed!.KillHard();
        await rig.Network.UnthrottleAsync();
        return (a, source, id, partial);
    }
}
