namespace Flock.Cli.Pbm.Output;

/// <summary>
/// Shows a changing status: on a terminal one line redrawn in place; otherwise one plain line per change, so logs
/// and pipes get a readable history rather than carriage returns.
/// </summary>
public sealed class ProgressDisplay(IConsoleOutput console)
{
    private string? _last;
    private int _drawnWidth;

    public void Update(string line)
    {
        if (line == _last)
        {
            return;
        }

        _last = line;
        if (!console.IsOutputTerminal)
        {
            console.Out.WriteLine(line);
            console.Out.Flush();
            return;
        }

        var max = Math.Max(20, console.Width - 1);
        var shown = line.Length > max ? line[..(max - 3)] + "..." : line;
        var pad = Math.Max(0, _drawnWidth - shown.Length);
        console.Out.Write("\r" + shown + new string(' ', pad));
        console.Out.Flush();
        _drawnWidth = shown.Length;
    }

    /// <summary>Ends a redrawn line so the next output starts on a fresh one.</summary>
    public void Finish()
    {
        if (console.IsOutputTerminal && _drawnWidth > 0)
        {
            console.Out.WriteLine();
            console.Out.Flush();
        }

        _drawnWidth = 0;
    }
}
