namespace Flock.Cli.Pbm.Interactive;

/// <summary>
/// The line editor (<see cref="LineEditor"/>) on a real terminal. Ctrl+C is read as a key while a line is edited,
/// so the first one ends the session at once instead of waiting for the next Enter.
/// </summary>
public sealed class TerminalLineInput : ILineInput
{
    public string? ReadLine(string prompt, IReadOnlyList<string> history)
    {
        var editor = new LineEditor(prompt, history, () => Console.WindowWidth > 0 ? Console.WindowWidth : 80);
        Console.Write(editor.Start());
        var treatControlC = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        try
        {
            while (true)
            {
                var (output, end) = editor.Press(Console.ReadKey(intercept: true));
                Console.Write(output);
                switch (end)
                {
                    case LineEnd.Submitted:
                        return editor.Line;
                    case LineEnd.Ended:
                        return null;
                }
            }
        }
        finally
        {
            Console.TreatControlCAsInput = treatControlC;
        }
    }
}
