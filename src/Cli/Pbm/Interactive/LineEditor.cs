using System.Text;

namespace Flock.Cli.Pbm.Interactive;

/// <summary>
/// The editing state of one prompt line and what to send a VT100 terminal after each key: Left/Right, Home/End and
/// Ctrl+A/E move, Backspace/Delete, Ctrl+U (to the start), Ctrl+K (to the end) and Ctrl+W (the word before the
/// cursor) delete, Up/Down walk the history, Enter submits, Ctrl+D on an empty line and Ctrl+C end the session.
/// A line longer than the terminal wraps: the redraw goes back up to the prompt's row rather than to column 0 of
/// the last row, so the prompt is never repeated.
/// </summary>
public sealed class LineEditor(string prompt, IReadOnlyList<string> history, Func<int> width)
{
    private readonly StringBuilder _line = new();
    private int _cursor;
    private int _recalled = history.Count;

    /// <summary>Rows the terminal's cursor is below the prompt's row, from the last redraw.</summary>
    private int _cursorRow;

    public string Line => _line.ToString();

    public int Cursor => _cursor;

    /// <summary>What the terminal shows first.</summary>
    public string Start() => prompt;

    /// <returns>The terminal output for <paramref name="key"/>, and whether the line is done: Submitted (Enter) or Ended (Ctrl+D/C).</returns>
    public (string Output, LineEnd? End) Press(ConsoleKeyInfo key)
    {
        // Terminals send Ctrl+letter as bytes 1-26; name the letter, whatever the console layer reported.
        if (key.KeyChar is >= '\u0001' and <= '\u001a' and not ('\b' or '\t' or '\n' or '\r'))
            key = new ConsoleKeyInfo(key.KeyChar, ConsoleKey.A + (key.KeyChar - 1), false, false, control: true);
        var control = key.Modifiers.HasFlag(ConsoleModifiers.Control);
        switch (key.Key)
        {
            case ConsoleKey.Enter:
                return (MoveToEnd() + "\r\n", LineEnd.Submitted);
            case ConsoleKey.C when control:
                return (MoveToEnd() + "^C\r\n", LineEnd.Ended);
            case ConsoleKey.D when control && _line.Length == 0:
                return ("\r\n", LineEnd.Ended);
            case ConsoleKey.D when control:
            case ConsoleKey.Delete:
                if (_cursor < _line.Length) _line.Remove(_cursor, 1);
                break;
            case ConsoleKey.Backspace when _cursor > 0:
                _line.Remove(--_cursor, 1);
                break;
            case ConsoleKey.LeftArrow when _cursor > 0:
            case ConsoleKey.B when control && _cursor > 0:
                _cursor--;
                break;
            case ConsoleKey.RightArrow when _cursor < _line.Length:
            case ConsoleKey.F when control && _cursor < _line.Length:
                _cursor++;
                break;
            case ConsoleKey.Home:
            case ConsoleKey.A when control:
                _cursor = 0;
                break;
            case ConsoleKey.End:
            case ConsoleKey.E when control:
                _cursor = _line.Length;
                break;
            case ConsoleKey.U when control:
                _line.Remove(0, _cursor);
                _cursor = 0;
                break;
            case ConsoleKey.K when control:
                _line.Remove(_cursor, _line.Length - _cursor);
                break;
            case ConsoleKey.W when control:
                var start = _cursor;
                while (start > 0 && _line[start - 1] == ' ') start--;
                while (start > 0 && _line[start - 1] != ' ') start--;
                _line.Remove(start, _cursor - start);
                _cursor = start;
                break;
            case ConsoleKey.UpArrow when _recalled > 0:
                Recall(history[--_recalled]);
                break;
            case ConsoleKey.DownArrow when _recalled < history.Count:
                _recalled++;
                Recall(_recalled < history.Count ? history[_recalled] : "");
                break;
            default:
                if (control || char.IsControl(key.KeyChar)) return ("", null);
                _line.Insert(_cursor++, key.KeyChar);
                break;
        }
        return (Redraw(), null);
    }

    private void Recall(string text)
    {
        _line.Clear().Append(text);
        _cursor = _line.Length;
    }

    private string MoveToEnd()
    {
        _cursor = _line.Length;
        return Redraw();
    }

    private string Redraw()
    {
        var columns = Math.Max(1, width());
        var output = new StringBuilder();
        // Up to the prompt's row, clear from its column 0 down (before writing: erasing after a line that ends at the
        // margin would take its last character), then the whole prompt and line.
        if (_cursorRow > 0) output.Append($"\u001b[{_cursorRow}A");
        output.Append("\r\u001b[J").Append(prompt).Append(_line);
        var end = prompt.Length + _line.Length;
        // A line ending exactly at the right margin leaves the terminal waiting to wrap: wrap now, so rows add up.
        if (end > 0 && end % columns == 0) output.Append("\r\n");
        var endRow = end / columns;
        var target = prompt.Length + _cursor;
        var targetRow = target / columns;
        if (endRow > targetRow) output.Append($"\u001b[{endRow - targetRow}A");
        output.Append('\r');
        if (target % columns > 0) output.Append($"\u001b[{target % columns}C");
        _cursorRow = targetRow;
        return output.ToString();
    }
}

public enum LineEnd
{
    Submitted,
    Ended,
}
