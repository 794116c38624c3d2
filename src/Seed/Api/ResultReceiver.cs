using Akka.Actor;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Flock.Messages;
using Flock.Seed.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Flock.Seed.Api;

/// <summary>
/// Receives chunk results into a partial file per (job, chunk, attempt) that outlives a dropped connection or a seed
/// crash: bytes are written unbuffered as they arrive, a HEAD says how many are held, and a PUT with a Content-Range
/// continues from there. The SHA-256 is always checked over the whole file before the chunk actor sees it.
/// </summary>
internal sealed class ResultReceiver(SeedRuntime seed, ILogger log)
{
    // One writer per partial file: a retry arriving while a stale connection still feeds the same file must wait.
    private readonly ConcurrentDictionary<string, byte> _busy = new(StringComparer.Ordinal);

    private bool IsValid(string id, int index, int attempt) =>
        JobEndpoints.IsJobId(id) && index >= 0 && index < seed.Options.MaxChunksPerJob && attempt >= 0;

    public static string PartialFile(string chunkDirectory, int index, int attempt) =>
        Path.Combine(chunkDirectory, $"{index:D6}.attempt{attempt}.part");

    /// <summary>Where the frame hashes an attempt's node reported are kept until its result is checked.</summary>
    public static string FrameHashFile(string chunkDirectory, int index, int attempt) =>
        Path.Combine(chunkDirectory, $"{index:D6}.attempt{attempt}.framehash");

    /// <summary>A framehash line is under 100 bytes: this is a million frames, far beyond any chunk.</summary>
    private const long MaxFrameHashBytes = 100L << 20;

    /// <summary>The frame hashes (ffmpeg framehash, murmur3) of the source frames a node fed its encoder, sent whole before the result.</summary>
    public async Task<IResult> ReceiveFramesAsync(HttpContext http, string id, int index, int attempt, CancellationToken ct)
    {
        var node = await Authorization.NodeOfAsync(http, seed);
        if (node is null) return ApiResults.Error(401, "node token required");
        if (!IsValid(id, index, attempt)) return ApiResults.Error(400, "bad job, chunk or attempt id");
        var expected = http.Request.Headers[Protocol.Sha256Header].ToString().ToLowerInvariant();
        if (expected.Length != 64) return ApiResults.Error(400, $"{Protocol.Sha256Header} header required");
        if (http.Request.ContentLength is not { } length || length > MaxFrameHashBytes) return ApiResults.Error(413, "frame hashes need a Content-Length within bounds");
        var dir = Path.Combine(seed.JobsDirectory, id, "chunks");
        if (!Directory.Exists(dir)) return ApiResults.Error(404, $"no job {id}");
        var target = FrameHashFile(dir, index, attempt);
        var temp = $"{target}.{Guid.NewGuid():N}.part";
        try
        {
            using var buffer = new MemoryStream();
            try { await http.Request.Body.CopyToAsync(buffer, ct); }
            catch (Exception e) when (e is IOException or OperationCanceledException) { return ApiResults.Error(400, "upload interrupted"); }
            if (buffer.Length != length) return ApiResults.Error(400, $"upload incomplete: {buffer.Length} of {length} bytes");
            if (Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length))) != expected)
                return ApiResults.Error(422, "checksum mismatch: the frame hashes were damaged in transit, send them again");
            await File.WriteAllBytesAsync(temp, buffer.ToArray(), ct);
            File.Move(temp, target, overwrite: true);
            return Results.Ok();
        }
        catch (IOException e)
        {
            log.LogError("job {JobId} chunk {ChunkIndex}: cannot store the frame hashes: {Error}", id, index, e.Message);
            return ApiResults.Error(507, $"seed cannot store the frame hashes: {e.Message}");
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public async Task<IResult> OffsetAsync(HttpContext http, string id, int index, int attempt)
    {
        if (await Authorization.NodeOfAsync(http, seed) is null) return ApiResults.Error(401, "node token required");
        if (!IsValid(id, index, attempt)) return ApiResults.Error(400, "bad job, chunk or attempt id");
        var dir = Path.Combine(seed.JobsDirectory, id, "chunks");
        if (!Directory.Exists(dir)) return ApiResults.Error(404, $"no job {id}");
        var partial = new FileInfo(PartialFile(dir, index, attempt));
        http.Response.Headers[Protocol.UploadOffsetHeader] = (partial.Exists ? partial.Length : 0).ToString(CultureInfo.InvariantCulture);
        return Results.Ok();
    }

    public async Task<IResult> ReceiveAsync(HttpContext http, string id, int index, int attempt, CancellationToken ct)
    {
        var node = await Authorization.NodeOfAsync(http, seed);
        if (node is null) return ApiResults.Error(401, "node token required");
        if (!IsValid(id, index, attempt)) return ApiResults.Error(400, "bad job, chunk or attempt id");
        var expected = http.Request.Headers[Protocol.Sha256Header].ToString().ToLowerInvariant();
        if (expected.Length != 64) return ApiResults.Error(400, $"{Protocol.Sha256Header} header required");
        long start = 0;
        long? total = null;
        if (http.Request.Headers.ContentRange.ToString() is { Length: > 0 } rangeText)
        {
            if (!ContentRangeHeaderValue.TryParse(rangeText, out var range) || range.From is not { } from || !range.HasLength)
                return ApiResults.Error(400, "Content-Range must be 'bytes START-END/TOTAL'");
            start = from;
            total = range.Length;
        }
        var dir = Path.Combine(seed.JobsDirectory, id, "chunks");
        if (!Directory.Exists(dir)) return ApiResults.Error(404, $"no job {id}");
        var partial = PartialFile(dir, index, attempt);
        if (!_busy.TryAdd(partial, 0)) return ApiResults.Error(503, "an upload of this result is already in progress; try again shortly");
        var keep = true;
        try
        {
            string actual;
            long bytes;
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                // Unbuffered: every byte read from the socket reaches the OS at once, so a seed crash keeps it.
                await using var file = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 0, FileOptions.Asynchronous);
                if (start > file.Length)
                {
                    http.Response.Headers[Protocol.UploadOffsetHeader] = file.Length.ToString(CultureInfo.InvariantCulture);
                    return ApiResults.Error(416, $"the seed holds {file.Length} bytes of this result, not {start}");
                }
                file.SetLength(start);
                if (start > 0)
                {
                    log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt} from {Node}: resuming upload at byte {Offset} of {Total}", id, index, attempt, node, start, total);
                    // The checksum covers the whole result, including what arrived before the interruption.
                    file.Position = 0;
                    await HashPrefixAsync(file, start, hash, ct);
                }
                file.Position = start;
                var buffer = new byte[1 << 20];
                while (true)
                {
                    int read;
                    try { read = await http.Request.Body.ReadAsync(buffer, ct); }
                    catch (Exception e) when (e is IOException or OperationCanceledException)
                    {
                        // The sender is gone (killed, partitioned, or the seed is stopping): keep what arrived for a resume.
                        log.LogInformation("job {JobId} chunk {ChunkIndex} attempt {Attempt} from {Node}: upload interrupted at byte {Offset}", id, index, attempt, node, file.Length);
                        return ApiResults.Error(400, "upload interrupted");
                    }
                    if (read == 0) break;
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None); // never half a write
                }
                file.Flush(flushToDisk: true);
                bytes = file.Length;
                seed.Metrics.ResultBytesReceived(bytes - start);
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            if (total is { } t && bytes != t) return ApiResults.Error(400, $"upload incomplete: {bytes} of {t} bytes");
            keep = false;
            if (actual != expected)
            {
                log.LogWarning("job {JobId} chunk {ChunkIndex} from {Node}: checksum mismatch", id, index, node);
                return ApiResults.Error(422, "checksum mismatch: the result was damaged in transit, send it again");
            }
            var answer = await seed.Jobs.Ask<ChunkResultAnswer>(new SubmitChunkResult(id, index, attempt, node, partial, actual, bytes), TimeSpan.FromMinutes(5));
            return answer.Accepted ? Results.Ok() : ApiResults.Error(answer.TryAgain ? 503 : 409, answer.Message);
        }
        catch (IOException e)
        {
            log.LogError("job {JobId} chunk {ChunkIndex}: cannot store the result: {Error}", id, index, e.Message);
            return ApiResults.Error(507, $"seed cannot store the result: {e.Message}");
        }
        finally
        {
            // A finished upload's file belongs to the chunk actor now (moved) or was refused; only an interrupted one stays.
            if (!keep && File.Exists(partial)) File.Delete(partial);
            _busy.TryRemove(partial, out _);
        }
    }

    private static async Task HashPrefixAsync(FileStream file, long length, IncrementalHash hash, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        var left = length;
        while (left > 0)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct);
            if (read == 0) throw new IOException("partial result shorter than expected");
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
    }
}
