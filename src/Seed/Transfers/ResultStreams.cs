using System.Collections.Concurrent;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Flock.Messages.Chunks;
using Flock.Seed.Api;
using Flock.Seed.Jobs;
using Flock.Seed.Metrics;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Transfers;

/// <summary>
/// Chunk results from nodes, over Akka.Remote: each offered file is received through a SinkRef into a partial file per
/// (job, chunk, attempt) that outlives a broken session or a seed crash: bytes are written unbuffered as they arrive,
/// and the next offer continues from what the file holds. The SHA-256 is checked over the whole file before the chunk
/// actor sees it. One upload of a file at a time: an offer while another still feeds the same file is told to wait.
/// </summary>
public sealed class ResultStreams(string jobsDirectory, int maxChunksPerJob, IActorRef jobs, SeedMetrics metrics, ILogger log)
{
    /// <summary>A line of ffmpeg's framehash is under 100 bytes: this is a million frames, far beyond any chunk.</summary>
    private const long MaxFrameHashBytes = 100L << 20;

    /// <summary>A node that offered and then sends nothing (it died, its link stalled) frees the file after this.</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(60);

    /// <summary>The chunk actor checks a result before it answers (its frames against the source's hashes).</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromMinutes(5);

    /// <summary>An outcome its node never asked for (it died after sending) is dropped after this.</summary>
    private static readonly TimeSpan Unclaimed = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public static string PartialFile(string chunkDirectory, int index, int attempt) =>
        Path.Combine(chunkDirectory, $"{index:D6}.attempt{attempt}.part");

    /// <summary>Where the frame hashes an attempt's node reported are kept until its result is checked.</summary>
    public static string FrameHashFile(string chunkDirectory, int index, int attempt) =>
        Path.Combine(chunkDirectory, $"{index:D6}.attempt{attempt}.framehash");

    /// <summary>Never throws: what goes wrong is the answer's <see cref="SendChunkResultResponse.Error"/>.</summary>
    public async Task<SendChunkResultResponse> OfferAsync(SendChunkResult send, string node, IMaterializer materializer)
    {
        if (!JobEndpoints.IsJobId(send.JobId) || send.ChunkIndex < 0 || send.ChunkIndex >= maxChunksPerJob || send.Attempt < 0)
            return new SendChunkResultResponse(0, null, "bad job, chunk or attempt id", NotWanted: true);
        if (send.Sha256.Length != 64 || !send.Sha256.All(Uri.IsHexDigit))
            return new SendChunkResultResponse(0, null, "a SHA-256 of 64 hex digits is required", NotWanted: true);
        if (send.Length < 0 || send.FrameHashes && send.Length > MaxFrameHashBytes)
            return new SendChunkResultResponse(0, null, $"a length within bounds is required, not {send.Length}", NotWanted: true);
        var dir = Path.Combine(jobsDirectory, send.JobId, "chunks");
        if (!Directory.Exists(dir)) return new SendChunkResultResponse(0, null, $"job {send.JobId} takes no more results (finished or gone)", NotWanted: true);
        var target = send.FrameHashes ? FrameHashFile(dir, send.ChunkIndex, send.Attempt) : PartialFile(dir, send.ChunkIndex, send.Attempt);
        var upload = new Upload(send, node, target, metrics);
        if (!await ClaimAsync(target, upload).ConfigureAwait(false))
            return new SendChunkResultResponse(0, null, "an upload of this result is already in progress; try again shortly");
        _ = upload.Outcome.ContinueWith(async _ =>
        {
            await Task.Delay(Unclaimed).ConfigureAwait(false);
            _uploads.TryRemove(new KeyValuePair<string, Upload>(target, upload));
        }, TaskScheduler.Default);
        try
        {
            var held = await upload.OpenAsync().ConfigureAwait(false);
            if (held > 0) log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt} from {Node}: resuming upload at byte {Offset} of {Total}",
                send.JobId, send.ChunkIndex, send.Attempt, node, held, send.Length);
            var ((offered, kill), written) = StreamRefs.SinkRef<ByteString>()
                .IdleTimeout(Idle)
                .ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Both)
                .ToMaterialized(Sink.ForEachAsync<ByteString>(1, upload.WriteAsync), Keep.Both)
                .Run(materializer);
            upload.Stream = kill;
            upload.Finish(FinishAsync(upload, written));
            return new SendChunkResultResponse(held, await offered.ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { upload.Close(); }
            catch (IOException) { }
            upload.Finish(Task.FromResult(new FetchChunkResultOutcomeResponse(false, false, $"seed cannot store the result: {e.Message}")));
            log.LogError("job {JobId} chunk {ChunkIndex}: cannot store the result: {Error}", send.JobId, send.ChunkIndex, e.Message);
            return new SendChunkResultResponse(0, null, $"seed cannot store the result: {e.Message}");
        }
    }

    /// <summary>
    /// Makes <paramref name="upload"/> the one feeding its file. Another node's upload still running keeps it (false).
    /// The same node's is over, whatever the seed's side of it still thinks: a node offers a file again only once its
    /// own send failed, typically when its session ended (a partition, the seed frozen) and it joined again. The old
    /// stream's sender may be a member that is gone, and the seed would notice only when that member is removed, while
    /// the result waits and its chunk is handed to another node. So the old upload is stopped, keeping what it wrote.
    /// </summary>
    private async Task<bool> ClaimAsync(string target, Upload upload)
    {
        Upload? superseded;
        lock (_gate)
        {
            if (!_uploads.TryGetValue(target, out superseded) || superseded.Outcome.IsCompleted)
            {
                _uploads[target] = upload;
                return true;
            }
            if (superseded.Node != upload.Node) return false;
        }
        log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt} from {Node}: offered again; the earlier upload of it stops at byte {Offset}",
            upload.Send.JobId, upload.Send.ChunkIndex, upload.Send.Attempt, upload.Node, superseded.Position);
        superseded.Stop();
        try { await superseded.Outcome.WaitAsync(SupersedeWait).ConfigureAwait(false); }
        catch (TimeoutException) { return false; }
        lock (_gate)
        {
            if (_uploads.TryGetValue(target, out var now) && !ReferenceEquals(now, superseded) && !now.Outcome.IsCompleted) return false;
            _uploads[target] = upload;
            return true;
        }
    }

    /// <summary>How long a stopped upload may take to close its file (a write in flight) before the new offer is told to wait.</summary>
    private static readonly TimeSpan SupersedeWait = TimeSpan.FromSeconds(10);

    /// <summary>What became of the node's last offer of this file, once its bytes are in and checked.</summary>
    public async Task<FetchChunkResultOutcomeResponse> OutcomeAsync(FetchChunkResultOutcome fetch, string node)
    {
        var dir = Path.Combine(jobsDirectory, fetch.JobId, "chunks");
        var target = fetch.FrameHashes ? FrameHashFile(dir, fetch.ChunkIndex, fetch.Attempt) : PartialFile(dir, fetch.ChunkIndex, fetch.Attempt);
        if (!_uploads.TryGetValue(target, out var upload) || upload.Node != node)
            return new FetchChunkResultOutcomeResponse(false, false, "no upload of this result is in progress");
        var outcome = await upload.Outcome.ConfigureAwait(false);
        _uploads.TryRemove(new KeyValuePair<string, Upload>(target, upload));
        return outcome;
    }

    private async Task<FetchChunkResultOutcomeResponse> FinishAsync(Upload upload, Task written)
    {
        var send = upload.Send;
        var keep = true;
        try
        {
            try { await written.ConfigureAwait(false); }
            catch (Exception e) when (upload.StoreError is null)
            {
                // The sender is gone (killed, cut off, its session ended) or went silent: what arrived stays for a resume.
                log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt} from {Node}: upload interrupted at byte {Offset}: {Error}",
                    send.JobId, send.ChunkIndex, send.Attempt, upload.Node, upload.Position, e.Message);
                return new FetchChunkResultOutcomeResponse(false, false, "upload interrupted");
            }
            catch (Exception) when (upload.StoreError is { } store)
            {
                throw store;
            }
            var (bytes, actual) = upload.Close();
            if (bytes < send.Length) return new FetchChunkResultOutcomeResponse(false, false, $"upload incomplete: {bytes} of {send.Length} bytes");
            keep = false;
            if (bytes != send.Length || actual != send.Sha256.ToLowerInvariant())
            {
                log.LogWarning("job {JobId} chunk {ChunkIndex} from {Node}: checksum mismatch", send.JobId, send.ChunkIndex, upload.Node);
                return new FetchChunkResultOutcomeResponse(false, false, "checksum mismatch: the bytes the seed holds are not the file the node hashed; send it again");
            }
            if (send.FrameHashes)
            {
                File.Move(upload.WrittenFile, upload.Target, overwrite: true);
                return new FetchChunkResultOutcomeResponse(true, false, "");
            }
            var answer = await jobs.Ask<ChunkResultAnswer>(new SubmitChunkResult(send.JobId, send.ChunkIndex, send.Attempt, upload.Node, upload.Target, actual, bytes),
                CheckTimeout).ConfigureAwait(false);
            return new FetchChunkResultOutcomeResponse(answer.Accepted, !answer.Accepted && !answer.TryAgain, answer.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogError("job {JobId} chunk {ChunkIndex}: cannot store the result: {Error}", send.JobId, send.ChunkIndex, e.Message);
            return new FetchChunkResultOutcomeResponse(false, false, $"seed cannot store the result: {e.Message}");
        }
        catch (AskTimeoutException)
        {
            return new FetchChunkResultOutcomeResponse(false, false, "the seed did not check the result in time");
        }
        finally
        {
            upload.Close();
            // A finished upload's file belongs to the chunk actor now (moved) or was refused; only an interrupted one stays.
            if (!keep && File.Exists(upload.WrittenFile)) File.Delete(upload.WrittenFile);
            if (send.FrameHashes && File.Exists(upload.WrittenFile)) File.Delete(upload.WrittenFile);
        }
    }

    /// <summary>
    /// One offered file on its way in. A result continues its partial file; frame hashes, small and sent whole, go to a
    /// file of their own and replace the kept ones only once checked.
    /// </summary>
    private sealed class Upload(SendChunkResult send, string node, string target, SeedMetrics metrics)
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // A stopped stream ends without waiting for the write in flight: the file is closed only once that write is done.
        private readonly SemaphoreSlim _io = new(1, 1);
        private readonly TaskCompletionSource<FetchChunkResultOutcomeResponse> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private FileStream? _file;

        public SendChunkResult Send => send;
        public string Node => node;
        public string Target => target;
        public string WrittenFile { get; } = send.FrameHashes ? $"{target}.{Guid.NewGuid():N}.part" : target;
        public Task<FetchChunkResultOutcomeResponse> Outcome => _outcome.Task;
        public long Position { get; private set; }
        public IOException? StoreError { get; private set; }

        /// <returns>the bytes already held, which the node need not send again.</returns>
        public async Task<long> OpenAsync()
        {
            // Unbuffered: every byte that arrives reaches the OS at once, so a seed crash keeps it.
            _file = new FileStream(WrittenFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 0, FileOptions.Asynchronous);
            // More than the file holds is a different file under the same name: start again.
            var held = _file.Length <= send.Length ? _file.Length : 0;
            _file.SetLength(held);
            // The checksum covers the whole result, including what arrived before an interruption.
            var buffer = new byte[1 << 20];
            _file.Position = 0;
            while (_file.Position < held)
            {
                var read = await _file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, held - _file.Position))).ConfigureAwait(false);
                if (read == 0) throw new IOException("partial result shorter than expected");
                _hash.AppendData(buffer, 0, read);
            }
            Position = held;
            return held;
        }

        /// <summary>Stops the stream feeding the file (its upload then ends as interrupted, keeping what it wrote).</summary>
        public IKillSwitch? Stream { get; set; }

        public void Stop() => Stream?.Abort(new IOException("the node offered this result again"));

        public async Task WriteAsync(ByteString bytes)
        {
            var data = bytes.ToArray();
            await _io.WaitAsync().ConfigureAwait(false);
            try
            {
                if (_file is null) throw new IOException("the upload was stopped");
                await _file.WriteAsync(data, CancellationToken.None).ConfigureAwait(false);
                _hash.AppendData(data);
                Position += data.Length;
            }
            catch (IOException e) when (_file is not null)
            {
                StoreError = e;
                throw;
            }
            finally
            {
                _io.Release();
            }
            metrics.ResultBytesReceived(data.Length);
        }

        /// <returns>the bytes the file holds and their SHA-256.</returns>
        public (long Bytes, string Sha256) Close()
        {
            _io.Wait();
            try
            {
                if (_file is null) return (Position, "");
                try
                {
                    _file.Flush(flushToDisk: true);
                    return (_file.Length, Convert.ToHexStringLower(_hash.GetHashAndReset()));
                }
                finally
                {
                    _file.Dispose();
                    _file = null;
                    _hash.Dispose();
                }
            }
            finally
            {
                _io.Release();
            }
        }

        public void Finish(Task<FetchChunkResultOutcomeResponse> outcome) =>
            outcome.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) _outcome.TrySetResult(t.Result);
                else _outcome.TrySetResult(new FetchChunkResultOutcomeResponse(false, false, t.Exception?.GetBaseException().Message ?? "upload failed"));
            }, TaskScheduler.Default);
    }
}
