using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Flock.Messages;
using Flock.Messages.Cluster;
using Flock.Messages.Jobs;
using Flock.Messages.Security;

namespace Flock.Cli.Pbm;

/// <summary>
/// The seed's HTTP API as pbm uses it. Every failure surfaces as a <see cref="PbmException"/> whose message is
/// one line: unreachable seed, refused token, or the seed's own `{"error": ...}`.
/// </summary>
public sealed class SeedClient : IDisposable
{
    /// <summary>Small API calls give up after this long; uploads and downloads have no time limit.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private const int CopyBufferSize = 1 << 20;

    private readonly HttpMessageHandler? _handler;
    private readonly string? _token;
    private readonly KnownSeeds? _trust;
    private readonly bool _schemeGiven;
    private HttpClient? _http;

    /// <param name="baseAddress">The seed; http:// when the user typed no scheme (TLS is then used if the seed offers it).</param>
    /// <param name="handler">HTTP handler to reach the seed through (tests); null for real sockets with <paramref name="trust"/>.</param>
    /// <param name="trust">Pinned seed certificates; null only with a <paramref name="handler"/>.</param>
    /// <param name="schemeGiven">Whether the user typed the scheme (then no TLS probing happens).</param>
    public SeedClient(Uri baseAddress, string? token, HttpMessageHandler? handler = null, KnownSeeds? trust = null, bool schemeGiven = true)
    {
        BaseAddress = baseAddress;
        _handler = handler;
        _token = token;
        _trust = trust;
        _schemeGiven = schemeGiven;
    }

    public Uri BaseAddress { get; private set; }

    /// <summary>The HttpClient, created on first use once the seed's scheme is known and its certificate checked.</summary>
    private async Task<HttpClient> ClientAsync(CancellationToken ct)
    {
        if (_http is not null)
        {
            return _http;
        }

        HttpClient http;
        if (_handler is not null || _trust is null)
        {
            http = _handler is null ? new HttpClient() : new HttpClient(_handler, disposeHandler: false);
        }
        else
        {
            try
            {
                BaseAddress = await SeedEndpoint.ResolveAsync(BaseAddress, _schemeGiven, _trust, ct).ConfigureAwait(false);
            }
            catch (SeedTrustException ex)
            {
                throw new PbmException(ex.Message);
            }
            catch (HttpRequestException ex)
            {
                // Name the address really tried: a HOST:PORT is tried over TLS first, whatever BaseAddress still says.
                throw Unreachable(Describe(ex), ex, SeedEndpoint.FirstTried(BaseAddress, _schemeGiven));
            }

            http = new HttpClient(SeedEndpoint.Handler(_trust, BaseAddress), disposeHandler: true);
        }

        http.BaseAddress = BaseAddress;
        http.Timeout = Timeout.InfiniteTimeSpan;
        if (!string.IsNullOrEmpty(_token))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        return _http = http;
    }

    public Task<JobListResponse> ListJobsAsync(CancellationToken ct) =>
        SendJsonAsync<JobListResponse>(HttpMethod.Get, "api/jobs", ct);

    /// <param name="timeout">How long to wait for the answer (default <see cref="RequestTimeout"/>; live views poll with less).</param>
    /// <summary>The full URL of a live job's playlist (<see cref="JobResponse.LivePlaylist"/> is relative to the seed).</summary>
    public Uri LiveUrl(string playlist) => new(BaseAddress, playlist);

    public Task<JobResponse> GetJobAsync(string id, CancellationToken ct, TimeSpan? timeout = null) =>
        SendJsonAsync<JobResponse>(HttpMethod.Get, "api/jobs/" + Uri.EscapeDataString(id), ct, timeout: timeout);

    public Task<JobResponse> CancelJobAsync(string id, CancellationToken ct) =>
        SendJsonAsync<JobResponse>(HttpMethod.Post, "api/jobs/" + Uri.EscapeDataString(id) + "/cancel", ct);

    public Task<JobResponse> RetryJobAsync(string id, CancellationToken ct) =>
        SendJsonAsync<JobResponse>(HttpMethod.Post, "api/jobs/" + Uri.EscapeDataString(id) + "/retry", ct);

    public Task<JobResponse> SetPriorityAsync(string id, int priority, CancellationToken ct) =>
        SendJsonAsync<JobResponse>(HttpMethod.Post, "api/jobs/" + Uri.EscapeDataString(id) + "/priority", ct, new SetPriorityRequest(priority));

    public Task<ClusterResponse> GetClusterAsync(CancellationToken ct) =>
        SendJsonAsync<ClusterResponse>(HttpMethod.Get, "api/cluster", ct);

    public Task<ClusterEventsResponse> GetClusterEventsAsync(long after, CancellationToken ct) =>
        SendJsonAsync<ClusterEventsResponse>(HttpMethod.Get, $"api/cluster/events?after={after}", ct);

    public Task<DownUnreachableResponse> DownUnreachableAsync(CancellationToken ct) =>
        SendJsonAsync<DownUnreachableResponse>(HttpMethod.Post, "api/cluster/down-unreachable", ct);

    /// <summary>Asks a node to leave gracefully (<paramref name="force"/>: mark it down at once).</summary>
    public Task<NodeResponse> RemoveNodeAsync(string name, bool force, CancellationToken ct) =>
        SendJsonAsync<NodeResponse>(HttpMethod.Post, "api/cluster/nodes/" + Uri.EscapeDataString(name) + (force ? "/down" : "/leave"), ct);

    /// <summary>Streams <paramref name="inputPath"/> to the seed as a new job; returns the job id.</summary>
    public async Task<string> UploadJobAsync(
        string inputPath,
        string? output,
        IReadOnlyList<string> options,
        double chunkSeconds,
        int priority,
        CancellationToken ct,
        bool live = false,
        bool keepLive = false)
    {
        var query = string.Create(
            CultureInfo.InvariantCulture,
            $"api/jobs/upload?name={Uri.EscapeDataString(Path.GetFileName(inputPath))}{(output is null ? "" : "&output=" + Uri.EscapeDataString(output))}&chunkSeconds={chunkSeconds}&priority={priority}{(live ? "&live=true" : "")}{(keepLive ? "&keepLive=true" : "")}");

        await using var file = new FileStream(
            inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var request = new HttpRequestMessage(HttpMethod.Post, query);
        // The default JSON encoder escapes every non-ASCII character, so the header value stays plain ASCII.
        request.Headers.TryAddWithoutValidation(Protocol.OptionsHeader, JsonSerializer.Serialize(options, WireJson.Options));
        var content = new StreamContent(file, CopyBufferSize);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentLength = file.Length;
        request.Content = content;

        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout: null, ct).ConfigureAwait(false);
        var submitted = await ReadJsonAsync<SubmitJobResponse>(response, ct).ConfigureAwait(false);
        return submitted.Id;
    }

    /// <summary>
    /// Downloads a completed job's output into a temporary file next to <paramref name="outputPath"/> and renames it
    /// into place, so OUT never holds a partial file. Returns the number of bytes written.
    /// </summary>
    public async Task<long> DownloadOutputAsync(string id, string outputPath, CancellationToken ct)
    {
        var full = Path.GetFullPath(outputPath);
        var directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new PbmException($"output directory not found: {directory}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/jobs/" + Uri.EscapeDataString(id) + "/output");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout: null, ct).ConfigureAwait(false);

        var temp = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".part");
        try
        {
            long written;
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous))
            {
                await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                try
                {
                    await body.CopyToAsync(target, CopyBufferSize, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException && !ct.IsCancellationRequested)
                {
                    throw new PbmException($"download of job {id} broke off: {Program.OneLine(ex.Message)}", PbmExitCodes.Failure, ex);
                }

                await target.FlushAsync(ct).ConfigureAwait(false);
                written = target.Length;
            }

            var expected = response.Content.Headers.ContentLength;
            if (expected is { } length && length != written)
            {
                throw new PbmException($"download of job {id} is incomplete: {written} of {length} bytes");
            }

            File.Move(temp, full, overwrite: true);
            return written;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public void Dispose()
    {
        _http?.Dispose();
    }

    private async Task<T> SendJsonAsync<T>(HttpMethod method, string path, CancellationToken ct, object? body = null, TimeSpan? timeout = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: WireJson.Options);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout ?? RequestTimeout, ct).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, ct).ConfigureAwait(false);
    }

    /// <summary>Sends, turning transport failures and non-2xx answers into one-line <see cref="PbmException"/>s.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, HttpCompletionOption completion, TimeSpan? timeout, CancellationToken ct)
    {
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout is { } t)
        {
            timeoutCts.CancelAfter(t);
        }

        HttpResponseMessage response;
        try
        {
            var http = await ClientAsync(timeoutCts.Token).ConfigureAwait(false);
            response = await http.SendAsync(request, completion, timeoutCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Unreachable($"no answer within {timeout?.TotalSeconds ?? 0:0} s");
        }
        catch (HttpRequestException ex) when (_trust?.LastRefusal is { } refusal)
        {
            throw new PbmException(refusal, PbmExitCodes.Failure, ex);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(Describe(ex), ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized)
            {
                throw new PbmException(string.IsNullOrEmpty(_token)
                    ? "no token: set FLOCK_TOKEN or pass --token (the seed keeps its admin token in <data-dir>/admin.token)"
                    : "the seed refused the token (set FLOCK_TOKEN or --token)");
            }

            var message = await ReadErrorAsync(response, ct).ConfigureAwait(false);
            throw new PbmException(message);
        }
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return "the seed answered " + status;
        }

        try
        {
            var error = JsonSerializer.Deserialize<ErrorResponse>(body, WireJson.Options);
            if (!string.IsNullOrWhiteSpace(error?.Error))
            {
                return Program.OneLine(error.Error);
            }
        }
        catch (JsonException)
        {
            // not the API's error shape (a proxy, another server): fall through
        }

        return "the seed answered " + status;
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync<T>(stream, WireJson.Options, ct).ConfigureAwait(false)
                   ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            throw new PbmException(
                $"unexpected answer from {SeedAddress.Display(BaseAddress)}{response.RequestMessage?.RequestUri?.AbsolutePath}: {Program.OneLine(ex.Message)}",
                PbmExitCodes.Failure,
                ex);
        }
    }

    private PbmException Unreachable(string reason, Exception? inner = null, Uri? address = null) =>
        new($"cannot reach seed at {SeedAddress.Display(address ?? BaseAddress)}: {reason}", PbmExitCodes.Failure, inner) { Unreachable = true };

    private static string Describe(HttpRequestException ex)
    {
        // The innermost socket error says it best ("Connection refused"); HttpClient appends host:port to it.
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return Program.OneLine(socket.Message);
            }
        }

        return Program.OneLine(ex.InnerException?.Message ?? ex.Message);
    }
}
