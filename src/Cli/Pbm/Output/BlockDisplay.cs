namespace Flock.Cli.Pbm.Output;

/// <summary>
/// Shows a changing block of lines: on a terminal redrawn in place (cursor up, clear to end); otherwise the whole
/// block printed again, plain, each time it changes, so a log keeps a readable history.
/// </summary>
public sealed class BlockDisplay(IConsoleOutput console)
{
    private string[] _last = [];

    public void Update(IReadOnlyList<string> lines)
    {
        if (lines.SequenceEqual(_last, StringComparer.Ordinal))
        {
            return;
        }

        var max = Math.Max(20, console.Width - 1);
        if (console.IsOutputTerminal && _last.Length > 0)
        {
            // ESC[nF: to the start of the line n lines up; ESC[J: clear from there to the end of the screen.
            console.Out.Write($"\u001b[{_last.Length}F\u001b[J");
        }

        foreach (var line in lines)
        {
            console.Out.WriteLine(console.IsOutputTerminal && line.Length > max ? line[..(max - 3)] + "..." : line);
        }

        if (!console.IsOutputTerminal)
        {
            console.Out.WriteLine();
        }

        console.Out.Flush();
        _last = [.. lines];
    }
}
