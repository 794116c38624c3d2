using System.Text.Json;

namespace Flock.Tests.Support;

/// <summary>
/// What a fault test observed, one JSON line per fault, so docs/RELIABILITY.md is generated from the suite's own
/// output rather than written by hand. `./flock test` points FLOCK_RELIABILITY_LOG at a fresh file per run.
/// </summary>
public static class ReliabilityLog
{
    private static readonly object Gate = new();

    public static string Path =>
        Environment.GetEnvironmentVariable("FLOCK_RELIABILITY_LOG") is { Length: > 0 } configured
            ? configured
            : System.IO.Path.Combine(AppContext.BaseDirectory, "reliability.jsonl");

    /// <param name="fault">What was done, e.g. "node SIGKILLed while uploading its result".</param>
    /// <param name="detection">How Flock noticed, e.g. "control socket closed".</param>
    /// <param name="recovery">From the fault to the work being back in hand (reassigned, resumed, retried).</param>
    /// <param name="lost">What was lost; the suite asserts it is nothing before recording.</param>
    /// <param name="test">The test that measured it.</param>
    public static void Record(string fault, string detection, TimeSpan recovery, string lost, string test)
    {
        var line = JsonSerializer.Serialize(new
        {
            fault,
            detection,
            recoverySeconds = Math.Round(recovery.TotalSeconds, 2),
            lost,
            test,
            at = DateTimeOffset.UtcNow,
        });
        lock (Gate)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            File.AppendAllText(Path, line + Environment.NewLine);
        }
    }
}
