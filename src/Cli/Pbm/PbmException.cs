namespace Flock.Cli.Pbm;

/// <summary>A failure pbm reports as one `error: MESSAGE` line on stderr with <see cref="ExitCode"/>.</summary>
public sealed class PbmException(string message, int exitCode = PbmExitCodes.Failure, Exception? innerException = null)
    : Exception(message, innerException)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The seed could not be reached at all (as opposed to answering with an error).</summary>
    public bool Unreachable { get; init; }
}
