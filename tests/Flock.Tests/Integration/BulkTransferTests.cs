using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Flock.Messages;
using Flock.Messages.Chunks;
using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Flock.Messages.Security;
using Flock.Node.Connection;
using Flock.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Flock.Tests.Integration;

/// <summary>
/// Chunk bytes share one Akka.Remote connection with the cluster's heartbeats: a gigabyte streamed from the seed to a
/// member must arrive whole while neither side ever finds the other unreachable.
/// </summary>
public sealed class BulkTransferTests(ITestOutputHelper output)
{
    private const long Gigabyte = 1L << 30;

    [Fact]
    public async Task A_gigabyte_streamed_to_a_member_should_arrive_whole_with_cluster_heartbeats_healthy()
    {
        using var cluster = new TestCluster();
        var media = Directory.CreateDirectory(cluster.Scratch.File("media")).FullName;
        var seed = await cluster.StartSeedAsync(config: $"flock.seed.media-roots = [\"{media}\"]\n");
        // Raw video: a gigabyte written in seconds, and a real video the seed accepts as a job's source.
        var source = Path.Combine(media, "big.nut");
        await FfmpegTool.FfmpegAsync(["-v", "error", "-f", "lavfi", "-i", "testsrc=size=640x480:rate=25", "-frames:v", $"{Gigabyte / (640 * 480 * 3 / 2) + 1}",
            "-c:v", "rawvideo", "-pix_fmt", "yuv420p", source]);
        var length = new FileInfo(source).Length;
        Assert.True(length >= Gigabyte, $"the source is {length} bytes");
        // No node encodes: the job only has to exist for its source to be read.
        using var submitted = await cluster.Http.PostAsJsonAsync("api/jobs",
            new SubmitJobRequest(source, Path.Combine(media, "out.mkv"), ["-c:v", "libx264", "-preset", "ultrafast"], 30), WireJson.Options);
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        // A member with a session, as a node has one.
        using var link = new SeedLink($"127.0.0.1:{cluster.Port}", new KnownSeeds(cluster.KnownSeedsFile));
        var key = new ClusterKey(cluster.Key);
        using var enrollment = await ClusterEnrollment.EnrollAsync(link, key, "bulk", CancellationToken.None);
        Assert.NotNull(enrollment);
        await using var member = await MemberSystem.StartAsync(enrollment.Certificate, enrollment.CheckPeer, enrollment.SeedAddress);
        await member.WaitUntilUpAsync(TimeSpan.FromSeconds(30));
        var unreachable = new List<string>();
        var watcher = member.System.ActorOf(Props.Create(() => new ReachabilityWatcher(unreachable)));
        Akka.Cluster.Cluster.Get(member.System).Subscribe(watcher, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IReachabilityEvent));
        var probe = ControlSessionProbe.Start(member, enrollment.SeedAddress, "bulk");
        var session = await probe.JoinAsync(key, "bulk");

        var offer = await session.Ask<FetchSourceBytesResponse>(new FetchSourceBytes(id, 0, null, null), TimeSpan.FromSeconds(30));
        Assert.True(offer.Bytes is not null, offer.Error);
        Assert.Equal((0L, length), (offer.Start, offer.End));
        var clock = Stopwatch.StartNew();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var received = 0L;
        var largest = 0;
        var streamed = offer.Bytes.Source.RunForeach(element =>
        {
            var bytes = element.ToArray();
            largest = Math.Max(largest, bytes.Length);
            hash.AppendData(bytes);
            received += bytes.Length;
        }, member.System.Materializer());

        // Meanwhile the control session's own heartbeat, answered by the seed: the largest gap between answers is what
        // a node would see of its seed while bytes stream.
        var gaps = new List<TimeSpan>();
        var lastAnswer = clock.Elapsed;
        while (!streamed.IsCompleted)
        {
            session.Tell(new Heartbeat(DateTimeOffset.UtcNow), probe.Self);
            await Task.WhenAny(streamed, Task.Delay(TimeSpan.FromMilliseconds(500)));
            for (var answers = probe.DrainHeartbeats(); answers > 0; answers--)
            {
                gaps.Add(clock.Elapsed - lastAnswer);
                lastAnswer = clock.Elapsed;
            }
        }
        await streamed;
        var took = clock.Elapsed;

        Assert.Equal(length, received);
        Assert.Equal(await FileSha256Async(source), Convert.ToHexStringLower(hash.GetHashAndReset()));
        Assert.InRange(largest, 1, 64 * 1024);
        lock (unreachable) Assert.Empty(unreachable);
        var events = JsonDocument.Parse(await cluster.Http.GetStringAsync("/api/cluster/events")).RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.DoesNotContain(events, e => e.GetProperty("kind").GetString() is "unreachable" or "downed" or "removed");
        Assert.DoesNotContain("is unreachable", seed.Output, StringComparison.Ordinal);
        Assert.NotEmpty(gaps);
        output.WriteLine($"{length / 1e6:0} MB in {took.TotalSeconds:0.0} s ({length / 1e6 / took.TotalSeconds:0} MB/s over mutual TLS); " +
            $"{gaps.Count} heartbeat answers, the largest gap between them {gaps.Max().TotalSeconds:0.00} s; no member unreachable");
    }

    private static async Task<string> FileSha256Async(string path)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
    }

    private sealed class ReachabilityWatcher : ReceiveActor
    {
        public ReachabilityWatcher(List<string> unreachable) =>
            Receive<ClusterEvent.UnreachableMember>(e => { lock (unreachable) unreachable.Add(e.Member.Address.ToString()); });
    }
}
