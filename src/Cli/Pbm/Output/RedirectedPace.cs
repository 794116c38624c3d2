using System.Diagnostics;

namespace Flock.Cli.Pbm.Output;

/// <summary>
/// How often progress is written when it is not redrawn in place (a log, a pipe): at once when what it is about
/// changes (a state, a chunk starting or finishing), otherwise at most once every <see cref="Interval"/>, so a log
/// keeps a readable history rather than a copy per poll.
/// </summary>
public sealed class RedirectedPace
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly Stopwatch _sinceWritten = new();
    private string? _about;

    /// <summary>Whether an update about <paramref name="about"/> should be written now; if so, the clock starts again.</summary>
    public bool Due(string about)
    {
        if (about == _about && _sinceWritten.IsRunning && _sinceWritten.Elapsed < Interval)
        {
            return false;
        }

        _about = about;
        _sinceWritten.Restart();
        return true;
    }
}
