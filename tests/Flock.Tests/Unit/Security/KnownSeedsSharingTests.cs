using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Flock.Messages.Security;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Unit.Security;

/// <summary>
/// Nodes and pbm on one machine share one known_seeds file and may first contact seeds at the same moment (a bench or
/// a service start brings up several nodes at once): none may see the file half-written or lose another's pin.
/// </summary>
public sealed class KnownSeedsSharingTests
{
    private const int Pins = 300;

    private static X509Certificate2 Certificate(string name)
    {
        using var key = ECDsa.Create();
        return new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
    }

    [Fact]
    public async Task Two_processes_pinning_at_once_should_each_be_trusted_and_keep_every_pin()
    {
        using var scratch = ScratchDirectory.Create("flock-known-seeds-sharing");
        var path = scratch.File("known_seeds");
        // Two instances over one file behave as two processes do: neither's in-memory lock protects the other.
        var first = new KnownSeeds(path);
        var second = new KnownSeeds(path);
        using var a = Certificate("seed-a");
        using var b = Certificate("seed-b");

        using var start = new Barrier(2);
        var pinning = new[] { (first, a, "a"), (second, b, "b") }.Select(p => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return Enumerable.Range(0, Pins).Select(i => p.Item1.Check($"{p.Item3}-host:{4000 + i}", p.Item2) && p.Item1.PinnedFor($"{p.Item3}-host:{4000 + i}") is not null).ToList();
        }, TaskCreationOptions.LongRunning));
        var results = await Task.WhenAll(pinning);

        Assert.All(results.SelectMany(r => r), Assert.True);
        var reread = new KnownSeeds(path);
        Assert.All(Enumerable.Range(0, Pins), i =>
        {
            Assert.Equal(CertificateFingerprint.Of(a), reread.PinnedFor($"a-host:{4000 + i}"));
            Assert.Equal(CertificateFingerprint.Of(b), reread.PinnedFor($"b-host:{4000 + i}"));
        });
        Assert.Empty(Directory.EnumerateFiles(scratch.Path, "*.tmp"));
    }
}
