namespace Flock.Media.Processes;

/// <summary>How a child process ended, with the tail of its stderr (ffmpeg's errors are its last lines).</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardErrorTail)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The first non-empty stderr line: where ffmpeg names the option or encoder it does not know.</summary>
    public string FirstErrorLine =>
        StandardErrorTail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
        ?? $"exit code {ExitCode}";

    /// <summary>The last non-empty stderr line: the one a user needs to see.</summary>
    public string LastErrorLine =>
        StandardErrorTail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
        ?? $"exit code {ExitCode}";
}
