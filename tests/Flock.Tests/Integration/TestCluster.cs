using System.Text.Json;
using Flock.Messages.Security;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Integration;

/// <summary>A seed and nodes as separate `flock` processes on 127.0.0.1, driven through pbm as a user would.</summary>
public sealed class TestCluster : IDisposable
{
    private readonly List<FlockProcess> _processes = [];
    private HttpClient? _http;

    /// <param name="tls">false: the seed runs with `tls = off` (plain HTTP), as configured for a trusted network.</param>
    public TestCluster(string key = "test-cluster-key", bool tls = true)
    {
        Key = key;
        Tls = tls;
        Port = FlockProcess.FreePort();
        Scratch = ScratchDirectory.Create("flock-cluster");
    }

    public string Key { get; }

    public bool Tls { get; }

    /// <summary>The job API's admin token, given to the seed and to every pbm run.</summary>
    public string AdminToken { get; private set; } = "test-admin-token-" + Guid.NewGuid().ToString("N");

    public string BaseUrl => $"{(Tls ? "https" : "http")}://{Host}:{Port}";

    /// <summary>Where the seed's web side listens and pbm reaches it: another address for a seed in a network of its own.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>This cluster's own known-seeds file, so tests never touch the user's ~/.config/flock.</summary>
    public string KnownSeedsFile => Scratch.File("known_seeds");

    /// <summary>Environment for nodes and pbm: the pin file, the token; extra entries override.</summary>
    public Dictionary<string, string> ClientEnvironment(IReadOnlyDictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string> { ["FLOCK_KNOWN_SEEDS"] = KnownSeedsFile, ["FLOCK_TOKEN"] = AdminToken };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) env[k] = v;
        return env;
    }

    public int Port { get; }

    public ScratchDirectory Scratch { get; }

    public string DataDir => Scratch.File("seed-data");

    public FlockProcess? Seed { get; private set; }

    /// <summary>A second address the seed's web side listens on (an <see cref="IsolatedNetwork"/>'s host end).</summary>
    public string? AlsoListenOn { get; set; }

    /// <summary>Where the seed and node processes start (null: the test's own).</summary>
    public string? WorkingDirectory { get; set; }

    /// <param name="extraArgs">More `flock seed` arguments.</param>
    /// <param name="adminToken">The admin token to give the seed (and then pbm); null: <see cref="AdminToken"/>.</param>
    /// <param name="env">Overrides for the seed's environment (FLOCK_TOKEN = "" lets it create its own admin token).</param>
    /// <param name="configFile">A HOCON file for the seed (--config), for limits and roots.</param>
    /// <param name="config">HOCON text merged over seed.conf, e.g. short heartbeat settings for a fault test.</param>
    /// <param name="network">A network of the seed's own (its <see cref="Host"/> is then the network's address).</param>
    public async Task<FlockProcess> StartSeedAsync(IReadOnlyList<string>? extraArgs = null, string? adminToken = null,
        IReadOnlyDictionary<string, string>? env = null, string? configFile = null, string? config = null, IsolatedNetwork? network = null)
    {
        if (adminToken is not null) AdminToken = adminToken;
        var environment = new Dictionary<string, string> { ["FLOCK_CLUSTER_KEY"] = Key, ["FLOCK_TOKEN"] = AdminToken, ["FLOCK_SEED_TLS"] = Tls ? "on" : "off" };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) environment[k] = v;
        configFile ??= config is null ? null : WriteConfig("seed", config);
        var urls = AlsoListenOn is null ? BaseUrl : $"{BaseUrl};{(Tls ? "https" : "http")}://{AlsoListenOn}:{Port}";
        string[] args = ["seed", "--urls", urls, "--data", DataDir, .. configFile is null ? Array.Empty<string>() : ["--config", configFile], .. extraArgs ?? []];
        Seed = Track(network is null ? FlockProcess.Start(args, environment, workingDirectory: WorkingDirectory) : network.Start(args, environment));
        await Seed.WaitForOutputAsync("seed listening on", TimeSpan.FromSeconds(30));
        return Seed;
    }

    /// <param name="seed">Where the node finds the seed: a <see cref="TcpProxy"/> address to put a bad network in between.</param>
    /// <param name="config">HOCON merged over node.conf.</param>
    /// <param name="network">A network of the node's own, which reaches the seed at its host end (see <see cref="AlsoListenOn"/>).</param>
    public async Task<FlockProcess> StartNodeAsync(string name, string? key = null, bool waitForJoin = true, IReadOnlyDictionary<string, string>? env = null,
        string? seed = null, string? config = null, IsolatedNetwork? network = null)
    {
        var environment = ClientEnvironment(env);
        environment["FLOCK_CLUSTER_KEY"] = key ?? Key;
        // Each node its own work dir: the default (temp/flock-node-NAME) would be shared by same-named nodes of parallel tests.
        var workDir = Scratch.File($"work-{name}").Replace("\\", "/", StringComparison.Ordinal);
        string[] extra = ["--config", WriteConfig($"node-{name}", $"flock.node.work-dir = \"{workDir}\"\n{config}")];
        string[] args = ["node", "--seed", seed ?? $"{network?.HostAddress ?? "127.0.0.1"}:{Port}", "--name", name, .. extra];
        var node = Track(network is null ? FlockProcess.Start(args, environment, workingDirectory: WorkingDirectory) : network.Start(args, environment));
        if (waitForJoin) await node.WaitForOutputAsync("joined the seed", TimeSpan.FromSeconds(30));
        return node;
    }

    public Task<(int ExitCode, string Stdout, string Stderr)> PbmAsync(params string[] args) =>
        FlockProcess.RunAsync(["pbm", $"{Host}:{Port}", .. args], TimeSpan.FromMinutes(4), ClientEnvironment());

    /// <summary>pbm with environment changes (another token, none, another pin file).</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> PbmWithAsync(IReadOnlyDictionary<string, string> env, params string[] args) =>
        FlockProcess.RunAsync(["pbm", $"{Host}:{Port}", .. args], TimeSpan.FromMinutes(4), ClientEnvironment(env));

    /// <summary>The `cluster show --json` entry of one node.</summary>
    public async Task<JsonElement> NodeAsync(string name)
    {
        var show = await PbmAsync("cluster", "show", "--json");
        Assert.True(show.ExitCode == 0, show.Stderr);
        return JsonDocument.Parse(show.Stdout).RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name).Clone();
    }

    /// <summary>The job as the API returns it (what `pbm job show --json` prints), read in-process so polling is quick.</summary>
    public async Task<JsonElement> JobAsync(string id)
    {
        using var response = await Http.GetAsync($"api/jobs/{id}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>An HttpClient on the seed with the admin token, checking the certificate against this cluster's pin file.</summary>
    public HttpClient Http => _http ??= CreateClient(AdminToken);

    public HttpClient CreateClient(string? token, SocketsHttpHandler? handler = null)
    {
        var baseUri = new Uri(BaseUrl + "/");
        handler ??= new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = SeedEndpoint.Validator(new KnownSeeds(KnownSeedsFile), baseUri);
        var client = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(2) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>One sample of the seed's /metrics, read without a token as a scraper does.</summary>
    public async Task<double> MetricAsync(string name)
    {
        using var http = CreateClient(null);
        return PrometheusText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Value(name);
    }

    /// <summary>Polls the job until the condition holds (or fails the test after the timeout).</summary>
    public async Task<JsonElement> WaitForJobAsync(string id, Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await JobAsync(id);
            if (condition(job)) return job;
            if (DateTime.UtcNow > until) Assert.Fail($"timed out waiting for {what}: {job}");
            await Task.Delay(200);
        }
    }

    public async Task<string> SubmitDetachedAsync(string input, string output, double chunkSeconds, params string[] options)
    {
        var submit = await PbmAsync(["job", "submit", input, output, "--chunk-seconds", chunkSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--detach", "--", .. options]);
        Assert.True(submit.ExitCode == 0, submit.Stderr);
        return submit.Stdout.Trim();
    }

    private string WriteConfig(string name, string hocon)
    {
        var path = Scratch.File($"{name}.conf");
        File.WriteAllText(path, hocon);
        return path;
    }

    /// <summary>Writes an executable sh script to the scratch folder (an ffmpeg wrapper for FLOCK_FFMPEG, say).</summary>
    public async Task<string> ScriptAsync(string name, string body)
    {
        var path = Scratch.File(name);
        await File.WriteAllTextAsync(path, "#!/bin/sh\n" + body);
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>
    /// An ffmpeg (for a node's FLOCK_FFMPEG) that reads its input no faster than real time (`-readrate 1`), or
    /// <paramref name="speed"/> times it, so a job lasts about as long as its video on any machine: for tests that must
    /// catch a chunk mid-encode, which a fast idle machine would otherwise finish before the test looks.
    /// </summary>
    public Task<string> PacedFfmpegAsync(double speed = 1)
    {
        var rate = speed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ScriptAsync($"paced-ffmpeg-{rate}", $"exec '{FfmpegTool.FfmpegPath.Replace("'", "'\\''", StringComparison.Ordinal)}' -readrate {rate} \"$@\"\n");
    }

    /// <summary>
    /// An ffmpeg (for a node's FLOCK_FFMPEG) that sleeps <paramref name="seconds"/> before each chunk encode (the
    /// command lines with -copyts) while the node's benchmark and tool checks run at once: a node that is slow, or
    /// stalls, on every chunk. The sleep shows in the process list as `sleep N`.
    /// </summary>
    public Task<string> SlowChunkFfmpegAsync(int seconds) =>
        ScriptAsync($"ffmpeg-slow-{seconds}s",
            $"for a in \"$@\"; do [ \"$a\" = -copyts ] && {{ sleep {seconds}; break; }}; done\nexec ffmpeg \"$@\"\n");

    /// <summary>
    /// An ffmpeg (for a node's FLOCK_FFMPEG) whose chunk encodes (the command lines with -copyts) wait until
    /// <paramref name="gate"/> exists, or <paramref name="maxSeconds"/> have passed, while the node's benchmark and tool
    /// checks run at once: a node that stalls on every chunk for exactly as long as the test needs, however loaded
    /// the machine is, and no longer.
    /// </summary>
    public Task<string> GatedChunkFfmpegAsync(string gate, int maxSeconds = 300) =>
        ScriptAsync($"ffmpeg-gated-{Path.GetFileName(gate)}",
            $"for a in \"$@\"; do [ \"$a\" = -copyts ] && {{ i=0; while [ ! -e '{gate.Replace("'", "'\\''", StringComparison.Ordinal)}' ] && [ $i -lt {maxSeconds * 5} ]; do sleep 0.2; i=$((i+1)); done; break; }}; done\nexec ffmpeg \"$@\"\n");

    /// <summary>Ids of live processes whose command line mentions <paramref name="text"/> (a wrapper's path, say).</summary>
    public static IReadOnlyList<int> ProcessesMentioning(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(text, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    private FlockProcess Track(FlockProcess p)
    {
        _processes.Add(p);
        return p;
    }

    public void Dispose()
    {
        _http?.Dispose();
        foreach (var p in _processes) p.Dispose();
        Scratch.Dispose();
    }
}
