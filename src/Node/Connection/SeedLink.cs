using Flock.Messages.Security;
using Flock.Node.Options;

namespace Flock.Node.Connection;

/// <summary>
/// The node's way to the seed: the address (HTTPS when the seed offers TLS, decided on first contact), its pinned
/// certificate, and the HttpClient for enrollment and chunk results.
/// </summary>
public sealed class SeedLink : IDisposable
{
    private readonly Uri _configured;
    private readonly bool _schemeGiven;
    private readonly SemaphoreSlim _resolving = new(1, 1);
    private HttpClient? _http;

    public SeedLink(string address, KnownSeeds trust)
    {
        _configured = SeedAddress.Parse(address);
        _schemeGiven = address.Contains("://", StringComparison.Ordinal);
        Trust = trust;
        BaseUri = _configured;
    }

    public KnownSeeds Trust { get; }

    /// <summary>The link a node's options describe; <paramref name="notice"/> hears when the seed's certificate is pinned.</summary>
    public static SeedLink For(NodeOptions options, Action<string> notice)
    {
        var path = options.KnownSeeds.Length > 0 ? options.KnownSeeds : KnownSeeds.DefaultPath(Environment.GetEnvironmentVariable);
        return new SeedLink(options.Seed, new KnownSeeds(path, options.AcceptFingerprint) { Notice = notice });
    }

    /// <summary>The seed's base address; final once <see cref="ResolveAsync"/> has succeeded.</summary>
    public Uri BaseUri { get; private set; }

    public HttpClient Http => _http ?? throw new InvalidOperationException("the seed address is not resolved yet");

    /// <exception cref="SeedTrustException">the seed's certificate is not the pinned one.</exception>
    public async Task ResolveAsync(CancellationToken ct)
    {
        await _resolving.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_http is not null) return;
            BaseUri = await SeedEndpoint.ResolveAsync(_configured, _schemeGiven, Trust, ct).ConfigureAwait(false);
            _http = new HttpClient(SeedEndpoint.Handler(Trust, BaseUri)) { Timeout = TimeSpan.FromMinutes(30) };
        }
        finally
        {
            _resolving.Release();
        }
    }

    public void Dispose()
    {
        _http?.Dispose();
        _resolving.Dispose();
    }
}
