using Flock.Cli.Pbm.Interactive;
using Xunit;

namespace Flock.Tests.Unit.Pbm;

/// <summary>pbm's line editor as a terminal renders it: long lines wrap under one prompt, the usual Ctrl keys edit.</summary>
public sealed class LineEditorTests
{
    private const string Prompt = "[h:1] pbm> "; // 11 columns
    private const int Width = 20;

    private sealed class Session
    {
        public Session(IReadOnlyList<string>? history = null)
        {
            Editor = new LineEditor(Prompt, history ?? [], () => Width);
            Screen.Write(Editor.Start());
        }

        public LineEditor Editor { get; }

        public Vt100Screen Screen { get; } = new(Width);

        public LineEnd? Type(string text)
        {
            LineEnd? end = null;
            foreach (var c in text) end = Press(new ConsoleKeyInfo(c, c == ' ' ? ConsoleKey.Spacebar : ConsoleKey.A, false, false, false));
            return end;
        }

        public LineEnd? Press(ConsoleKeyInfo key)
        {
            var (output, end) = Editor.Press(key);
            Screen.Write(output);
            return end;
        }

        public LineEnd? Control(char letter) => Press(new ConsoleKeyInfo((char)(letter - 'A' + 1), ConsoleKey.A + (letter - 'A'), false, false, true));

        public LineEnd? Key(ConsoleKey key) => Press(new ConsoleKeyInfo('\0', key, false, false, false));
    }

    [Fact]
    public void Line_longer_than_the_terminal_should_wrap_under_a_single_prompt()
    {
        var s = new Session();
        var text = "job submit /media/a-rather-long-name.mkv out.mkv";

        s.Type(text);

        Assert.Equal(Prompt + text, string.Concat(s.Screen.Rows));
        Assert.Single(s.Screen.Rows, r => r.Contains("pbm>", StringComparison.Ordinal));
        Assert.Equal(((Prompt.Length + text.Length) / Width, (Prompt.Length + text.Length) % Width), (s.Screen.Row, s.Screen.Column));

        // Editing at the start of the wrapped line redraws it in place too.
        s.Control('A');
        Assert.Equal((0, Prompt.Length), (s.Screen.Row, s.Screen.Column));
        s.Type("X");
        Assert.Equal(Prompt + "X" + text, string.Concat(s.Screen.Rows));
        Assert.Equal((0, Prompt.Length + 1), (s.Screen.Row, s.Screen.Column));
        Assert.Single(s.Screen.Rows, r => r.Contains("pbm>", StringComparison.Ordinal));
    }

    [Fact]
    public void Line_ending_exactly_at_the_margin_should_put_the_cursor_on_the_next_row()
    {
        var s = new Session();
        s.Type(new string('a', 2 * Width - Prompt.Length));
        Assert.Equal((2, 0), (s.Screen.Row, s.Screen.Column));
        s.Key(ConsoleKey.Backspace);
        Assert.Equal((1, Width - 1), (s.Screen.Row, s.Screen.Column));
        Assert.Equal(Prompt + new string('a', 2 * Width - Prompt.Length - 1), string.Concat(s.Screen.Rows));
    }

    [Fact]
    public void Ctrl_keys_should_edit_as_in_a_shell()
    {
        var s = new Session();
        s.Type("job show 12 --json");
        s.Control('W');
        Assert.Equal("job show 12 ", s.Editor.Line);
        s.Control('W');
        Assert.Equal("job show ", s.Editor.Line);
        s.Control('A');
        s.Control('E');
        Assert.Equal(s.Editor.Line.Length, s.Editor.Cursor);
        s.Key(ConsoleKey.LeftArrow);
        s.Key(ConsoleKey.LeftArrow);
        s.Control('U');
        Assert.Equal("w ", s.Editor.Line);
        Assert.Equal(0, s.Editor.Cursor);
        s.Control('K');
        Assert.Equal("", s.Editor.Line);
        Assert.Equal(Prompt.TrimEnd(), s.Screen.Text);
    }

    [Fact]
    public void First_ctrl_c_should_end_the_session_and_ctrl_d_only_on_an_empty_line()
    {
        var s = new Session();
        s.Type("cluster");
        Assert.Null(s.Control('D')); // deletes under the cursor, like a shell
        Assert.Equal(LineEnd.Ended, s.Control('C'));

        var empty = new Session();
        Assert.Equal(LineEnd.Ended, empty.Control('D'));
    }

    [Fact]
    public void Up_and_down_should_walk_the_history_and_enter_submit_the_line()
    {
        var s = new Session(["cluster show", "job list"]);
        s.Key(ConsoleKey.UpArrow);
        s.Key(ConsoleKey.UpArrow);
        Assert.Equal("cluster show", s.Editor.Line);
        s.Key(ConsoleKey.DownArrow);
        Assert.Equal("job list", s.Editor.Line);
        Assert.Equal(Prompt + "job list", s.Screen.Rows[0]);
        Assert.Equal(LineEnd.Submitted, s.Key(ConsoleKey.Enter));
        Assert.Equal((1, 0), (s.Screen.Row, s.Screen.Column));
    }
}
