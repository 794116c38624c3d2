using System.Net.Sockets;
using Flock.Messages.Security;
using Flock.Node.Options;

namespace Flock.Node.Connection;

/// <summary>
/// The node's way to the seed: the seed members' addresses (HTTPS when a member offers TLS, decided on first contact),
/// their pinned certificates, and the HttpClient for enrollment and chunk results. Requests go to the current address;
/// a caller whose request found it unavailable calls <see cref="MoveOnAfter"/>, so its retry goes to the next one.
/// </summary>
public sealed class SeedLink : IDisposable
{
    private readonly Member[] _members;
    private readonly SemaphoreSlim _resolving = new(1, 1);
    private volatile int _current;

    /// <param name="addresses">One address, or several comma-separated (see <see cref="SeedAddress.ParseList"/>).</param>
    /// <exception cref="ArgumentException">an entry is not an address.</exception>
    public SeedLink(string addresses, KnownSeeds trust)
    {
        _members = [.. SeedAddress.ParseList(addresses).Select(a => new Member(a.Address, a.SchemeGiven))];
        Trust = trust;
    }

    public KnownSeeds Trust { get; }

    /// <summary>The link a node's options describe; <paramref name="notice"/> hears when the seed's certificate is pinned.</summary>
    public static SeedLink For(NodeOptions options, Action<string> notice)
    {
        var path = options.KnownSeeds.Length > 0 ? options.KnownSeeds : KnownSeeds.DefaultPath(Environment.GetEnvironmentVariable);
        return new SeedLink(options.Seed, new KnownSeeds(path, options.AcceptFingerprint) { Notice = notice });
    }

    /// <summary>Every configured address, in the order they are tried.</summary>
    public IReadOnlyList<Uri> Addresses => [.. _members.Select(m => m.Configured)];

    /// <summary>The current seed member's base address; final for it once <see cref="ResolveAsync"/> has succeeded.</summary>
    public Uri BaseUri => _members[_current].BaseUri;

    public HttpClient Http => _members[_current].Http ?? throw new InvalidOperationException("the seed address is not resolved yet");

    /// <summary>Resolves the current address (each address is resolved once; its pinned certificate is its own).</summary>
    /// <exception cref="SeedTrustException">the seed's certificate is not the pinned one.</exception>
    public async Task ResolveAsync(CancellationToken ct)
    {
        await _resolving.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var member = _members[_current];
            if (member.Http is not null) return;
            member.BaseUri = await SeedEndpoint.ResolveAsync(member.Configured, member.SchemeGiven, Trust, ct).ConfigureAwait(false);
            member.Http = new HttpClient(SeedEndpoint.Handler(Trust, member.BaseUri)) { Timeout = TimeSpan.FromMinutes(30) };
        }
        finally
        {
            _resolving.Release();
        }
    }

    /// <summary>
    /// After a request to the current address failed: when the failure says that seed member is down or not serving
    /// (see <see cref="IsUnavailable"/>) and there is another address, the next one becomes current (round robin).
    /// </summary>
    /// <returns>whether the current address changed; never with one address.</returns>
    public bool MoveOnAfter(Exception failure)
    {
        if (_members.Length < 2 || !IsUnavailable(failure)) return false;
        _current = (_current + 1) % _members.Length;
        return true;
    }

    /// <summary>
    /// A connection that could not be made or broke, an answer that did not come in time, or a 502/503/504 reply: another
    /// member may serve. Anything else (a refusal, a bad answer) would be the same at every member of the cluster.
    /// </summary>
    public static bool IsUnavailable(Exception failure) => failure switch
    {
        HttpRequestException or SeedUnavailableException or TimeoutException => true,
        // HttpClient's timeouts, ConnectTimeout among them; a cancelled caller stops before asking.
        TaskCanceledException => true,
        IOException { InnerException: SocketException or HttpRequestException } => true,
        _ => false,
    };

    public void Dispose()
    {
        foreach (var member in _members) member.Http?.Dispose();
        _resolving.Dispose();
    }

    private sealed class Member(Uri configured, bool schemeGiven)
    {
        public Uri Configured { get; } = configured;

        public bool SchemeGiven { get; } = schemeGiven;

        /// <summary>Until resolved, the address resolution tries first (https:// for a bare HOST:PORT): what log lines name.</summary>
        public Uri BaseUri { get; set; } = SeedEndpoint.FirstTried(configured, schemeGiven);

        public HttpClient? Http { get; set; }
    }
}

/// <summary>A seed member answered 502, 503 or 504: it (or a proxy before it) cannot serve now; another member may.</summary>
public sealed class SeedUnavailableException(string message) : IOException(message)
{
    public static bool IsStatus(int status) => status is 502 or 503 or 504;
}
