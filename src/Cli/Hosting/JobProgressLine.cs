using System.Diagnostics;
using Flock.Cli.Pbm.Output;
using Flock.Messages.Jobs;

namespace Flock.Cli.Hosting;

/// <summary>
/// The progress of a job run in this process (`flock encode`, `flock demo`), as pbm's summary line: on a terminal
/// redrawn in place; redirected, one line when the job's state changes and otherwise at most one every
/// <see cref="RedirectedInterval"/>, so a log keeps a readable history rather than a line per poll.
/// </summary>
public sealed class JobProgressLine(IConsoleOutput console, string indent = "")
{
    public static readonly TimeSpan RedirectedInterval = TimeSpan.FromSeconds(2);

    private readonly ProgressDisplay _display = new(console);
    private readonly Stopwatch _sinceLine = new();
    private string? _state;

    public void Show(JobResponse job)
    {
        var sameState = job.State == _state;
        if (!console.IsOutputTerminal && sameState && _sinceLine.IsRunning && _sinceLine.Elapsed < RedirectedInterval)
        {
            return;
        }

        _state = job.State;
        _sinceLine.Restart();
        _display.Update(indent + JobFormatter.SummaryLine(job));
    }

    /// <summary>Ends a redrawn line so what follows starts on a fresh one.</summary>
    public void Finish() => _display.Finish();
}
