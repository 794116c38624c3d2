using Flock.Cli.Pbm.Output;
using Flock.Messages.Jobs;

namespace Flock.Cli.Hosting;

/// <summary>
/// The progress of a job run in this process (`flock encode`, `flock demo`), as pbm's summary line: on a terminal
/// redrawn in place; redirected, at the <see cref="RedirectedPace"/> (each state change, otherwise every 2 s at most).
/// </summary>
public sealed class JobProgressLine(IConsoleOutput console, string indent = "")
{
    private readonly ProgressDisplay _display = new(console);
    private readonly RedirectedPace _pace = new();

    public void Show(JobResponse job)
    {
        if (console.IsOutputTerminal || _pace.Due(job.State))
        {
            _display.Update(indent + JobFormatter.SummaryLine(job, width: console.IsOutputTerminal ? console.Width - indent.Length : null));
        }
    }

    /// <summary>Ends a redrawn line so what follows starts on a fresh one.</summary>
    public void Finish() => _display.Finish();
}
