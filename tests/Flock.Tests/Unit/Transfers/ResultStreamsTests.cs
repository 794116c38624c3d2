using System.Security.Cryptography;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Flock.Messages.Chunks;
using Flock.Seed.Jobs;
using Flock.Seed.Metrics;
using Flock.Seed.Transfers;
using Flock.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Flock.Tests.Unit.Transfers;

/// <summary>
/// A result whose upload stalled with its sender gone (the node's session ended under it: a partition, the seed
/// frozen) is offered again by the same node once it has joined again. The seed's side of the old stream would only
/// fail once the old member is removed, seconds later, while the chunk went to another node: seen with a seed frozen
/// for 12 s, where a finished result was refused as "already in progress" until another node had encoded it again.
/// </summary>
public sealed class ResultStreamsTests
{
    private const string Job = "1";

    [Fact]
    public async Task A_result_offered_again_by_its_node_should_take_over_from_its_stalled_upload_and_keep_the_bytes_already_in()
    {
        using var scratch = ScratchDirectory.Create();
        using var system = ActorSystem.Create("flock");
        var materializer = system.Materializer();
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var streams = Streams(scratch, system, received);
        var data = RandomNumberGenerator.GetBytes(300_000);
        var send = Offer(data);

        var first = await streams.OfferAsync(send, "node-a", materializer);
        Assert.Null(first.Error);
        // A third arrives, then the sender goes silent without a close, as a member that is gone does.
        Source.From(Elements(data[..100_000])).Concat(Source.Never<ByteString>()).RunWith(first.Bytes!.Sink, materializer);
        await UntilAsync(() => PartialLength(scratch) == 100_000, "the first third written");

        var again = await streams.OfferAsync(send, "node-a", materializer);

        Assert.True(again.Error is null, again.Error);
        Assert.Equal(100_000, again.Held);
        Source.From(Elements(data[100_000..])).RunWith(again.Bytes!.Sink, materializer);
        var outcome = await streams.OutcomeAsync(new FetchChunkResultOutcome(Job, 0, 1, false), "node-a");
        Assert.True(outcome.Accepted, outcome.Message);
        Assert.Equal(data, await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_result_offered_by_another_node_should_wait_while_the_first_nodes_upload_runs()
    {
        using var scratch = ScratchDirectory.Create();
        using var system = ActorSystem.Create("flock");
        var materializer = system.Materializer();
        var streams = Streams(scratch, system, new TaskCompletionSource<byte[]>());
        var data = RandomNumberGenerator.GetBytes(200_000);
        var first = await streams.OfferAsync(Offer(data), "node-a", materializer);
        Source.From(Elements(data[..64_000])).Concat(Source.Never<ByteString>()).RunWith(first.Bytes!.Sink, materializer);
        await UntilAsync(() => PartialLength(scratch) == 64_000, "the first element written");

        var other = await streams.OfferAsync(Offer(data), "node-b", materializer);

        Assert.Null(other.Bytes);
        Assert.Contains("already in progress", other.Error, StringComparison.Ordinal);
        Assert.Equal(64_000, PartialLength(scratch));
    }

    private static ResultStreams Streams(ScratchDirectory scratch, ActorSystem system, TaskCompletionSource<byte[]> received)
    {
        Directory.CreateDirectory(Path.Combine(scratch.Path, Job, "chunks"));
        var jobs = system.ActorOf(Props.Create(() => new AcceptingJobs(received)));
        return new ResultStreams(scratch.Path, 100, jobs, new SeedMetrics(), NullLogger.Instance);
    }

    private static SendChunkResult Offer(byte[] data) =>
        new(Job, 0, 1, FrameHashes: false, data.Length, Convert.ToHexStringLower(SHA256.HashData(data)));

    private static long PartialLength(ScratchDirectory scratch)
    {
        var file = new FileInfo(ResultStreams.PartialFile(Path.Combine(scratch.Path, Job, "chunks"), 0, 1));
        return file.Exists ? file.Length : -1;
    }

    /// <summary>Elements of at most 64 KiB, as nodes send them.</summary>
    private static IEnumerable<ByteString> Elements(byte[] bytes) =>
        bytes.Chunk(64 * 1024).Select(piece => ByteString.FromBytes(piece));

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>The jobs actor's part: takes every checked result, and shows the bytes it was given.</summary>
    private sealed class AcceptingJobs : ReceiveActor
    {
        public AcceptingJobs(TaskCompletionSource<byte[]> received) =>
            Receive<SubmitChunkResult>(result =>
            {
                received.TrySetResult(File.ReadAllBytes(result.FilePath));
                Sender.Tell(new ChunkResultAnswer(true, "accepted"));
            });
    }
}
