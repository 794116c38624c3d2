using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Flock.Messages.Security;
using Flock.Tests.Support;
using Xunit;

namespace Flock.Tests.Unit.Security;

/// <summary>A pin that cannot be written refuses the seed with the OS's reason; it is never announced or half-trusted.</summary>
public sealed class KnownSeedsWriteFailureTests
{
    [Fact]
    public void Known_seeds_under_a_file_should_refuse_the_seed_naming_the_path_and_the_os_reason()
    {
        using var scratch = ScratchDirectory.Create("flock-known-seeds-unwritable");
        // A path through a regular file fails with ENOTDIR even for root, who may write anywhere else.
        File.WriteAllText(scratch.File("home"), "not a folder");
        var path = Path.Combine(scratch.File("home"), ".config", "flock", "known_seeds");
        var notices = new List<string>();
        var trust = new KnownSeeds(path) { Notice = notices.Add };
        using var key = ECDsa.Create();
        using var certificate = new CertificateRequest("CN=seed", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        Assert.False(trust.Check("seedhost:4053", certificate));

        Assert.StartsWith($"cannot write known_seeds {path}: not a directory", trust.LastRefusal, StringComparison.Ordinal);
        Assert.Empty(notices);
        Assert.Null(trust.TrustedCertificate);
    }

    [Fact]
    public void Os_reason_should_be_the_systems_own_words()
    {
        using var scratch = ScratchDirectory.Create("flock-os-error");
        File.WriteAllText(scratch.File("file"), "");
        var throughFile = Path.Combine(scratch.File("file"), "x");
        var notADirectory = Assert.ThrowsAny<IOException>(() => File.WriteAllText(throughFile, ""));
        Assert.Equal("not a directory", OsError.Reason(notADirectory, throughFile));
        var missing = Assert.ThrowsAny<IOException>(() => File.ReadAllText(scratch.File("missing")));
        Assert.Equal("no such file or directory", OsError.Reason(missing, scratch.File("missing")));
        var readOnly = new IOException("Read-only file system : '/x'", 30); // how .NET reports EROFS: errno in HResult
        Assert.Equal("read-only file system", OsError.Reason(readOnly));
    }
}
