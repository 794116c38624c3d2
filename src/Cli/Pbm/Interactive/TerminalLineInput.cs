using System.Text;

namespace Flock.Cli.Pbm.Interactive;

/// <summary>
/// A small line editor on a real terminal: typing, Backspace, Left/Right, Home/End, and Up/Down to walk the
/// session's history. Ctrl+D on an empty line ends the session.
/// </summary>
public sealed class TerminalLineInput : ILineInput
{
    public string? ReadLine(string prompt, IReadOnlyList<string> history)
    {
        Console.Write(prompt);
        var line = new StringBuilder();
        var cursor = 0;
        var recalled = history.Count;
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.WriteLine();
                    return line.ToString();
                case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control) && line.Length == 0:
                    Console.WriteLine();
                    return null;
                case ConsoleKey.Backspace when cursor > 0:
                    line.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete when cursor < line.Length:
                    line.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0:
                    cursor--;
                    break;
                case ConsoleKey.RightArrow when cursor < line.Length:
                    cursor++;
                    break;
                case ConsoleKey.Home:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                    cursor = line.Length;
                    break;
                case ConsoleKey.UpArrow when recalled > 0:
                    Recall(line, history[--recalled], ref cursor);
                    break;
                case ConsoleKey.DownArrow when recalled < history.Count:
                    recalled++;
                    Recall(line, recalled < history.Count ? history[recalled] : "", ref cursor);
                    break;
                default:
                    if (!char.IsControl(key.KeyChar))
                    {
                        line.Insert(cursor++, key.KeyChar);
                    }

                    break;
            }

            Redraw(prompt, line, cursor);
        }
    }

    private static void Recall(StringBuilder line, string text, ref int cursor)
    {
        line.Clear().Append(text);
        cursor = line.Length;
    }

    private static void Redraw(string prompt, StringBuilder line, int cursor)
    {
        // Back to column 0, rewrite prompt and line, clear what a longer previous line left, then place the cursor.
        Console.Write("\r" + prompt + line + "\u001b[K");
        var back = line.Length - cursor;
        if (back > 0)
        {
            Console.Write($"\u001b[{back}D");
        }
    }
}
