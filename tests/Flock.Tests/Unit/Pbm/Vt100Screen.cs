using System.Text;

namespace Flock.Tests.Unit.Pbm;

/// <summary>
/// Just enough of a VT100/xterm screen to render what the line editor sends: printable characters with xterm's
/// deferred wrap at the right margin, CR, LF, cursor up/forward/back (ESC[nA/C/D) and erase below/right (ESC[J/K).
/// </summary>
public sealed class Vt100Screen(int width)
{
    private readonly List<StringBuilder> _rows = [new()];
    private bool _wrapPending;

    public int Row { get; private set; }

    public int Column { get; private set; }

    public IReadOnlyList<string> Rows => _rows.Select(r => r.ToString().TrimEnd()).ToList();

    public string Text => string.Join("\n", Rows).TrimEnd('\n');

    public void Write(string output)
    {
        for (var i = 0; i < output.Length; i++)
        {
            var c = output[i];
            if (c == '\u001b' && i + 1 < output.Length && output[i + 1] == '[')
            {
                var j = i + 2;
                while (char.IsAsciiDigit(output[j])) j++;
                var n = j > i + 2 ? int.Parse(output[(i + 2)..j], System.Globalization.CultureInfo.InvariantCulture) : 1;
                Control(output[j], n);
                i = j;
            }
            else if (c == '\r') { Column = 0; _wrapPending = false; }
            else if (c == '\n') { _wrapPending = false; Down(); }
            else Put(c);
        }
    }

    private void Control(char command, int n)
    {
        _wrapPending = false;
        switch (command)
        {
            case 'A': Row = Math.Max(0, Row - n); break;
            case 'C': Column = Math.Min(width - 1, Column + n); break;
            case 'D': Column = Math.Max(0, Column - n); break;
            case 'K': Line(Row).Length = Math.Min(Line(Row).Length, Column); break;
            case 'J':
                Line(Row).Length = Math.Min(Line(Row).Length, Column);
                for (var r = Row + 1; r < _rows.Count; r++) _rows[r].Clear();
                break;
            default: throw new InvalidOperationException($"unexpected escape sequence ESC[{n}{command}");
        }
    }

    private void Put(char c)
    {
        if (_wrapPending) { Column = 0; Down(); _wrapPending = false; }
        var line = Line(Row);
        while (line.Length <= Column) line.Append(' ');
        line[Column] = c;
        if (Column == width - 1) _wrapPending = true;
        else Column++;
    }

    private void Down()
    {
        Row++;
        Line(Row);
    }

    private StringBuilder Line(int row)
    {
        while (_rows.Count <= row) _rows.Add(new StringBuilder());
        return _rows[row];
    }
}
