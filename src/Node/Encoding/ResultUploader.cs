using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Flock.Messages.Chunks;
using Flock.Node.Connection;

namespace Flock.Node.Encoding;

/// <summary>How an upload ended: the seed took it, or does not want it (already done elsewhere, job gone).</summary>
public enum UploadOutcome { Accepted, NotWanted }

/// <summary>
/// Sends a chunk result to the seed over the control session's transport, with the SHA-256 of the whole file: the
/// seed says how many bytes of this attempt it already holds (from an upload cut off by a broken session or a seed
/// crash) and offers a SinkRef; only the rest is streamed into it, then the seed says whether it took the result.
/// </summary>
public static class ResultUploader
{
    private static readonly TimeSpan OfferTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The seed checks the result's frames before it answers; it gives that five minutes.</summary>
    private static readonly TimeSpan OutcomeTimeout = TimeSpan.FromMinutes(6);

    /// <returns>accepted (with "resumed at byte N of M" when the seed held part of it already) or not wanted;
    /// anything worth another try later (damaged, interrupted, the seed's disk full) throws.</returns>
    public static async Task<(UploadOutcome Outcome, string Message)> UploadAsync(SeedConnection connection, AssignChunk a, string file, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, connection.Ended);
        try
        {
            // The frame hashes go first: the seed checks the result against them as soon as the result is in.
            var hashes = ChunkEncoder.FrameHashFile(file);
            if (File.Exists(hashes))
            {
                var (frames, _, _, _) = await SendAsync(connection, a, hashes, frameHashes: true, linked.Token).ConfigureAwait(false);
                if (frames.NotWanted) return (UploadOutcome.NotWanted, frames.Message);
                if (!frames.Accepted) throw new IOException($"frame hashes refused: {frames.Message}");
            }
            var (result, start, length, window) = await SendAsync(connection, a, file, frameHashes: false, linked.Token).ConfigureAwait(false);
            if (result.Accepted)
            {
                string?[] said = [start > 0 ? FormattableString.Invariant($"resumed at byte {start} of {length}") : null,
                    window > ChunkStreams.NarrowestWindow ? FormattableString.Invariant($"{window} elements in flight") : null];
                return (UploadOutcome.Accepted, string.Join(", ", said.OfType<string>()));
            }
            if (result.NotWanted) return (UploadOutcome.NotWanted, result.Message);
            throw new IOException($"upload refused: {result.Message}");
        }
        catch (OperationCanceledException) when (connection.Ended.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new IOException("the control session ended");
        }
    }

    /// <returns>the seed's outcome, where the stream started and the file's length, and the window the stream was granted.</returns>
    private static async Task<(FetchChunkResultOutcomeResponse Outcome, long Start, long Length, int Window)> SendAsync(SeedConnection connection, AssignChunk a, string file,
        bool frameHashes, CancellationToken ct)
    {
        string sha;
        long length;
        await using (var read = File.OpenRead(file))
        {
            length = read.Length;
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, ct).ConfigureAwait(false));
        }
        var window = ChunkStreams.Window(connection.UploadWindow.Elements);
        var offer = await connection.AskAsync<SendChunkResultResponse>(new SendChunkResult(a.JobId, a.ChunkIndex, a.Attempt, frameHashes, length, sha, window),
                OfferTimeout, ct)
            .ConfigureAwait(false);
        if (offer.Bytes is not { } sink)
        {
            if (offer.NotWanted) return (new FetchChunkResultOutcomeResponse(false, true, offer.Error ?? "the seed does not want it"), 0, length, window);
            throw new IOException(offer.Error ?? "the seed offered nowhere to send it");
        }
        var start = Math.Clamp(offer.Held, 0, length);
        var since = Stopwatch.GetTimestamp();
        var (kill, sent) = FileIO.FromFile(new FileInfo(file), ChunkStreams.ElementBytes, start)
            .ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Right)
            .WatchTermination(Keep.Both)
            .To(sink.Sink)
            .Run(connection.Materializer);
        await using (ct.Register(() => kill.Abort(new OperationCanceledException("upload cancelled"))))
            await sent.ConfigureAwait(false);
        connection.UploadWindow.Measured(length - start, Stopwatch.GetElapsedTime(since));
        var outcome = await connection.AskAsync<FetchChunkResultOutcomeResponse>(new FetchChunkResultOutcome(a.JobId, a.ChunkIndex, a.Attempt, frameHashes),
            OutcomeTimeout, ct).ConfigureAwait(false);
        return (outcome, start, length, window);
    }
}
