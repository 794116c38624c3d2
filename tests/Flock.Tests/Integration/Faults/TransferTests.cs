using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration.Faults;

/// <summary>Uploads that go wrong on the way: damaged bytes, and a seed that dies halfway through receiving.</summary>
public sealed class TransferTests
{
    [Fact]
    public async Task Bytes_flipped_in_an_upload_should_be_caught_by_the_checksum_and_sent_again()
    {
        await using var rig = await FaultRig.StartAsync();
        // 4 KiB into the first upload body (the request headers are far shorter), one byte is inverted.
        rig.Proxy.CorruptUploadOnce(4096);
        var a = await rig.NodeAsync("node-a", viaProxy: true);
        var source = await rig.ClipAsync();
        var clock = new Stopwatch();
        var id = await rig.SubmitAsync(source);

        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!rig.Proxy.Corrupted) { Assert.True(DateTime.UtcNow < until, "no upload went through the proxy"); await Task.Delay(20); }
        clock.Start();
        var (damagedIndex, damagedAttempt) = FaultRig.UploadOf(rig.Proxy.Connections.Single(c => c.CorruptedHere));
        var key = $"job {id} chunk {damagedIndex} attempt {damagedAttempt}";
        await rig.Cluster.Seed!.WaitForOutputAsync("checksum mismatch", TimeSpan.FromSeconds(30));
        await a.WaitForOutputAsync($"{key}: upload failed: upload refused with 422", TimeSpan.FromSeconds(30));
        await a.WaitForOutputAsync($"{key} uploaded", TimeSpan.FromMinutes(1));
        var recovery = clock.Elapsed;

        var job = await rig.AssertCompletedExactlyAsync(id, source, a);
        // The damaged copy never counted: the same attempt was sent again and verified, no new encode was needed.
        var chunk = FaultRig.Chunk(job, damagedIndex);
        Assert.Equal(1, chunk.GetProperty("attempts").GetInt32());
        ReliabilityLog.Record("one byte flipped in transit in a chunk upload", "SHA-256 of the whole result checked by the seed (422)",
            recovery, "nothing (same attempt re-sent)", nameof(Bytes_flipped_in_an_upload_should_be_caught_by_the_checksum_and_sent_again));
    }

    [Fact]
    public async Task Seed_killed_mid_upload_should_resume_the_upload_from_its_offset_without_encoding_again()
    {
        await using var rig = await FaultRig.StartAsync();
        rig.Proxy.Throttle(12 * 1024, 0);
        var a = await rig.NodeAsync("node-a", viaProxy: true);
        var source = await rig.ClipAsync();
        var id = await rig.SubmitAsync(source);

        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        ProxyConnection? upload;
        while ((upload = rig.Proxy.Connections.FirstOrDefault(c => c.Uploading && c.BytesSincePut > 40 * 1024)) is null)
        {
            Assert.True(DateTime.UtcNow < until, "node-a never got 40 KiB into an upload");
            await Task.Delay(50);
        }
        var (index, attempt) = FaultRig.UploadOf(upload);
        var key = $"job {id} chunk {index} attempt {attempt}";
        rig.Cluster.Seed!.KillHard();
        var clock = Stopwatch.StartNew();
        rig.Proxy.Pass();

        var seed = await rig.RestartSeedAsync();
        var resuming = $"job {id} chunk {index} attempt {attempt} from node-a: resuming upload at byte ";
        await seed.WaitForOutputAsync(resuming, TimeSpan.FromMinutes(1));
        var recovery = clock.Elapsed;
        var offset = long.Parse(Regex.Match(seed.Output, Regex.Escape(resuming) + @"(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(offset > 0, seed.Output);
        await a.WaitForOutputAsync($"{key} uploaded, resumed at byte {offset}", TimeSpan.FromMinutes(1));

        var job = await rig.AssertCompletedExactlyAsync(id, source, a);
        // The result finished before the crash was sent on after it, not encoded again.
        Assert.Equal(1, FaultRig.Chunk(job, index).GetProperty("attempts").GetInt32());
        ReliabilityLog.Record("seed SIGKILLed mid-upload and restarted on the same data dir",
            "the node's upload and control socket break; it reconnects and asks the seed how much it holds (HEAD)",
            recovery, "nothing (upload resumed from the bytes the seed held, chunk not encoded again)",
            nameof(Seed_killed_mid_upload_should_resume_the_upload_from_its_offset_without_encoding_again));
    }
}
