using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Flock.Messages;
using Flock.Messages.Chunks;

namespace Flock.Node.Encoding;

/// <summary>How an upload ended: the seed took it, or does not want it (already done elsewhere, job gone).</summary>
public enum UploadOutcome { Accepted, NotWanted }

/// <summary>Streams a chunk result to the seed with its SHA-256; the seed checks both the bytes and the frames.</summary>
public static class ResultUploader
{
    public static async Task<(UploadOutcome Outcome, string Message)> UploadAsync(HttpClient http, Uri seed, string transferToken, AssignChunk a, string file, CancellationToken ct)
    {
        string sha;
        await using (var read = File.OpenRead(file))
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, ct).ConfigureAwait(false));
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(seed, $"{a.ResultPath}?attempt={a.Attempt}"))
        {
            Content = new StreamContent(stream, 1 << 20),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        request.Content.Headers.ContentLength = stream.Length;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", transferToken);
        request.Headers.Add(Protocol.Sha256Header, sha);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return (UploadOutcome.Accepted, "accepted");
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound) return (UploadOutcome.NotWanted, body);
        // Anything else (checksum damaged in transit, seed restarting, disk full) is worth another try later.
        throw new HttpRequestException($"upload refused with {(int)response.StatusCode}: {body}");
    }
}
