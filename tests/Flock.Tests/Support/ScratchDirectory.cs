namespace Flock.Tests.Support;

/// <summary>
/// A fresh temporary folder for one test's outputs, deleted on dispose
/// (kept when the FLOCK_KEEP_TEST_FILES environment variable is set, for post-mortems).
/// </summary>
public sealed class ScratchDirectory : IDisposable
{
    private ScratchDirectory(string path)
    {
        Path = path;
    }

    public string Path { get; }

    /// <summary>Creates an empty folder under the system temp folder.</summary>
    public static ScratchDirectory Create(string prefix = "flock-test")
    {
        var path = System.IO.Path.Combine(
            System.IO.Path.GetTempPath(),
            $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new ScratchDirectory(path);
    }

    /// <summary>The full path of <paramref name="fileName"/> inside this folder (not created).</summary>
    public string File(string fileName) => System.IO.Path.Combine(Path, fileName);

    public void Dispose()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FLOCK_KEEP_TEST_FILES")))
        {
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
