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
    private readonly Target[] _targets;
    private int _current;

    /// <param name="baseAddress">The seed; http:// when the user typed no scheme (TLS is then used if the seed offers it).</param>
    /// <param name="handler">HTTP handler to reach the seed through (tests); null for real sockets with <paramref name="trust"/>.</param>
    /// <param name="trust">Pinned seed certificates; null only with a <paramref name="handler"/>.</param>
    /// <param name="schemeGiven">Whether the user typed the scheme (then no TLS probing happens).</param>
    public SeedClient(Uri baseAddress, string? token, HttpMessageHandler? handler = null, KnownSeeds? trust = null, bool schemeGiven = true)
        : this([new SeedTarget(baseAddress, schemeGiven)], token, handler, trust)
    {
    }

    /// <param name="seeds">The seed members, tried in this order: a request that finds one unavailable goes on to the next.</param>
    public SeedClient(IReadOnlyList<SeedTarget> seeds, string? token, HttpMessageHandler? handler = null, KnownSeeds? trust = null)
    {
        if (seeds.Count == 0)
        {
            throw new ArgumentException("no seed address", nameof(seeds));
        }

        _targets = [.. seeds.Select(s => new Target(s.Address, s.SchemeGiven))];
        _handler = handler;
        _token = token;
        _trust = trust;
    }

    /// <summary>The seed member in use: the last one that answered (the first until one did not).</summary>
    public Uri BaseAddress => _targets[_current].Address;

    /// <summary>The HttpClient for one seed member, created on first use once its scheme is known and its certificate checked.</summary>
    /// <exception cref="SeedTrustException">the member's certificate is not the pinned one.</exception>
    /// <exception cref="HttpRequestException">the member cannot be reached.</exception>
    private async Task<HttpClient> ClientAsync(Target target, CancellationToken ct)
    {
        if (target.Http is not null)
        {
            return target.Http;
        }

        HttpClient http;
        if (_handler is not null || _trust is null)
        {
            http = _handler is null ? new HttpClient() : new HttpClient(_handler, disposeHandler: false);
        }
        else
        {
            target.Address = await SeedEndpoint.ResolveAsync(target.Address, target.SchemeGiven, _trust, ct).ConfigureAwait(false);
            http = new HttpClient(SeedEndpoint.Handler(_trust, target.Address), disposeHandler: true);
        }

        http.BaseAddress = target.Address;
        http.Timeout = Timeout.InfiniteTimeSpan;
        if (!string.IsNullOrEmpty(_token))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        return target.Http = http;
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

        // The file is opened once per attempt: a request sent to a seed member that was down is sent afresh to the next.
        HttpRequestMessage Upload()
        {
            var file = new FileStream(
                inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var request = new HttpRequestMessage(HttpMethod.Post, query);
            // The default JSON encoder escapes every non-ASCII character, so the header value stays plain ASCII.
            request.Headers.TryAddWithoutValidation(Protocol.OptionsHeader, JsonSerializer.Serialize(options, WireJson.Options));
            var content = new StreamContent(file, CopyBufferSize);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = file.Length;
            request.Content = content;
            return request;
        }

        using var response = await SendAsync(Upload, HttpCompletionOption.ResponseContentRead, timeout: null, ct).ConfigureAwait(false);
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

        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, "api/jobs/" + Uri.EscapeDataString(id) + "/output"), HttpCompletionOption.ResponseHeadersRead, timeout: null, ct)
            .ConfigureAwait(false);

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
        foreach (var target in _targets)
        {
            target.Http?.Dispose();
        }
    }

    private async Task<T> SendJsonAsync<T>(HttpMethod method, string path, CancellationToken ct, object? body = null, TimeSpan? timeout = null)
    {
        HttpRequestMessage Build()
        {
            var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body, body.GetType(), options: WireJson.Options);
            }

            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            return request;
        }

        using var response = await SendAsync(Build, HttpCompletionOption.ResponseContentRead, timeout ?? RequestTimeout, ct).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends to the seed member in use, going on to the next ones while a member is unavailable (no connection, no
    /// answer in time, 502/503/504); turns transport failures and non-2xx answers into one-line <see cref="PbmException"/>s.
    /// </summary>
    /// <param name="build">A fresh request per attempt: a sent HttpRequestMessage cannot be sent again.</param>
    private async Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> build, HttpCompletionOption completion, TimeSpan? timeout, CancellationToken ct)
    {
        var failures = new List<Failure>();
        for (var attempt = 1; ; attempt++)
        {
            var target = _targets[_current];
            var more = attempt < _targets.Length;
            using var request = build();
            // A request that may have reached a member is repeated elsewhere only when repeating it cannot act twice.
            var idempotent = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
            using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (timeout is { } t)
            {
                timeoutCts.CancelAfter(t);
            }

            var sending = false;
            Failure failure;
            try
            {
                var http = await ClientAsync(target, timeoutCts.Token).ConfigureAwait(false);
                sending = true;
                var response = await http.SendAsync(request, completion, timeoutCts.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return response;
                }

                using (response)
                {
                    var status = (int)response.StatusCode;
                    if (!Flock.Node.Connection.SeedUnavailableException.IsStatus(status))
                    {
                        // A real answer: every member of the cluster would give the same.
                        throw await AnswerErrorAsync(response, ct).ConfigureAwait(false);
                    }

                    // A 503 is a member that refused without acting; a proxy's 502/504 may hide one that did.
                    failure = new Failure(target.Address, await ReadErrorAsync(response, ct).ConfigureAwait(false), status == 503 || idempotent)
                    {
                        Answered = true,
                    };
                }
            }
            catch (SeedTrustException ex)
            {
                throw new PbmException(ex.Message);
            }
            catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
            {
                // The address really tried: a HOST:PORT is tried over TLS first, whatever the target still says.
                var shown = sending ? target.Address : SeedEndpoint.FirstTried(target.Address, target.SchemeGiven);
                // The handler's ConnectTimeout, not ours: no connection was made, so nothing was sent.
                var connectTimedOut = !timeoutCts.IsCancellationRequested && ex.InnerException is TimeoutException;
                failure = connectTimedOut
                    ? new Failure(shown, Program.OneLine(ex.InnerException!.Message), MayRetry: true) { Inner = ex }
                    : new Failure(shown, $"no answer within {timeout?.TotalSeconds ?? 0:0} s", !sending || idempotent);
            }
            catch (HttpRequestException ex) when (_trust?.LastRefusal is { } refusal)
            {
                throw new PbmException(refusal, PbmExitCodes.Failure, ex);
            }
            catch (HttpRequestException ex)
            {
                var shown = sending ? target.Address : SeedEndpoint.FirstTried(target.Address, target.SchemeGiven);
                var notSent = !sending
                    || ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;
                failure = new Failure(shown, Describe(ex), notSent || idempotent) { Inner = ex };
            }

            failures.Add(failure);
            if (more && failure.MayRetry)
            {
                _current = (_current + 1) % _targets.Length;
                continue;
            }

            if (failures.Count == 1)
            {
                // One member tried: the error reads as it does with a single address.
                // An answered 502/503/504 is a moment's absence too (a job starting again, a proxy between members): a
                // wait or watch asks again, within its grace, as it does when there is no answer at all.
                throw failure.Answered
                    ? new PbmException(failure.Reason) { Unreachable = true }
                    : new PbmException($"cannot reach seed at {SeedAddress.Display(failure.Address)}: {failure.Reason}", PbmExitCodes.Failure, failure.Inner)
                    {
                        Unreachable = true,
                    };
            }

            // One line naming every member tried: "cannot reach seed at A: why; nor at B: why".
            throw new PbmException(
                "cannot reach seed at " + string.Join("; nor at ", failures.Select(f => $"{SeedAddress.Display(f.Address)}: {f.Reason}")),
                PbmExitCodes.Failure,
                failure.Inner)
            {
                Unreachable = true,
            };
        }
    }

    /// <summary>A non-2xx answer that is the seed's word: the same from every member.</summary>
    private async Task<PbmException> AnswerErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode is HttpStatusCode.Unauthorized)
        {
            return new PbmException(string.IsNullOrEmpty(_token)
                ? "no token: set FLOCK_TOKEN or pass --token (the seed keeps its admin token in <data-dir>/admin.token)"
                : "the seed refused the token (set FLOCK_TOKEN or --token)");
        }

        return new PbmException(await ReadErrorAsync(response, ct).ConfigureAwait(false));
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

    /// <summary>Why one attempt failed, and whether the request may go on to the next member.</summary>
    /// <param name="Address">The address really tried.</param>
    private sealed record Failure(Uri Address, string Reason, bool MayRetry)
    {
        /// <summary>The member answered (502/503/504), as opposed to no connection or no answer.</summary>
        public bool Answered { get; init; }

        public Exception? Inner { get; init; }
    }

    private sealed class Target(Uri address, bool schemeGiven)
    {
        /// <summary>As typed; the resolved address (https:// when the member offers TLS) once its client exists.</summary>
        public Uri Address { get; set; } = address;

        public bool SchemeGiven { get; } = schemeGiven;

        public HttpClient? Http { get; set; }
    }

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
