using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Flock.Messages;
using Flock.Messages.Chunks;

namespace Flock.Node.Encoding;

/// <summary>How an upload ended: the seed took it, or does not want it (already done elsewhere, job gone).</summary>
public enum UploadOutcome { Accepted, NotWanted }

/// <summary>
/// Streams a chunk result to the seed with the SHA-256 of the whole file. The seed first says how many bytes of this
/// attempt it already holds (from an upload cut off by a dropped link or a seed crash), and only the rest is sent.
/// </summary>
public static class ResultUploader
{
    public static async Task<(UploadOutcome Outcome, string Message)> UploadAsync(HttpClient http, Uri seed, string transferToken, AssignChunk a, string file, CancellationToken ct)
    {
        // The frame hashes go first: the seed checks the result against them as soon as the result is in.
        if (await UploadFrameHashesAsync(http, seed, transferToken, a, ChunkEncoder.FrameHashFile(file), ct).ConfigureAwait(false) is { } refused)
            return (UploadOutcome.NotWanted, refused);
        string sha;
        await using (var read = File.OpenRead(file))
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, ct).ConfigureAwait(false));
        var url = new Uri(seed, $"{a.ResultPath}?attempt={a.Attempt}");
        var held = await HeldBytesAsync(http, url, transferToken, ct).ConfigureAwait(false);
        if (held is null) return (UploadOutcome.NotWanted, "the seed has no such job");

        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var length = stream.Length;
        // At least one byte is always sent, so even a complete partial is finished by a well-formed PUT.
        var start = Math.Clamp(held.Value, 0, Math.Max(0, length - 1));
        stream.Position = start;
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StreamContent(stream, 1 << 20) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        request.Content.Headers.ContentLength = length - start;
        if (length > 0) request.Content.Headers.ContentRange = new ContentRangeHeaderValue(start, length - 1, length);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", transferToken);
        request.Headers.Add(Protocol.Sha256Header, sha);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var resumed = start > 0 ? string.Create(CultureInfo.InvariantCulture, $"resumed at byte {start} of {length}") : "";
        if (response.IsSuccessStatusCode) return (UploadOutcome.Accepted, resumed);
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound) return (UploadOutcome.NotWanted, body);
        // Anything else (checksum damaged in transit, seed restarting, disk full, offset moved) is worth another try later.
        throw new HttpRequestException($"upload refused with {(int)response.StatusCode}: {body}");
    }

    /// <summary>The frame hashes (ffmpeg framehash, murmur3) of the frames the chunk was encoded from: small, so sent whole each time.</summary>
    /// <returns>null when the seed took them (or there are none); otherwise why the seed does not want them.</returns>
    private static async Task<string?> UploadFrameHashesAsync(HttpClient http, Uri seed, string transferToken, AssignChunk a, string file, CancellationToken ct)
    {
        if (!File.Exists(file)) return null;
        var bytes = await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false);
        var url = new Uri(seed, $"{FramesPath(a)}?attempt={a.Attempt}");
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", transferToken);
        request.Headers.Add(Protocol.Sha256Header, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return null;
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound) return body;
        throw new HttpRequestException($"frame hashes refused with {(int)response.StatusCode}: {body}");
    }

    /// <summary>Where a chunk's frame hashes go: beside its result (the assignment's result path was checked on arrival).</summary>
    public static string FramesPath(AssignChunk a) => ChunkPath(a, "frames");

    /// <summary>Another address of the chunk on the seed, beside the result address the assignment carries (checked by <see cref="ChunkEncoder.CheckAssignment"/>).</summary>
    public static string ChunkPath(AssignChunk a, string leaf) => a.ResultPath[..a.ResultPath.LastIndexOf('/')] + "/" + leaf;

    /// <returns>the bytes of this attempt the seed already holds; null when the seed has no such job.</returns>
    private static async Task<long?> HeldBytesAsync(HttpClient http, Uri url, string transferToken, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", transferToken);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return response.Headers.TryGetValues(Protocol.UploadOffsetHeader, out var values) && long.TryParse(values.FirstOrDefault(), CultureInfo.InvariantCulture, out var held) ? held : 0;
    }
}
