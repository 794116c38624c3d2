using System.Globalization;
using System.Text;

namespace Flock.Hocon;

internal sealed class HoconLexer
{
    private readonly string _text;
    private readonly string? _file;
    private readonly List<HoconToken> _tokens = [];
    private int _pos;
    private int _line = 1;
    private int _column = 1;

    private HoconLexer(string text, string? file)
    {
        _text = text;
        _file = file;
    }

    public static List<HoconToken> Tokenize(string text, string? file)
    {
        var lexer = new HoconLexer(text, file);
        lexer.Run();
        return lexer._tokens;
    }

    private char Peek(int offset = 0) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private bool AtEnd => _pos >= _text.Length;

    private HoconOrigin Here => new(_file, _line, _column);

    private void Advance()
    {
        if (_text[_pos] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }
        _pos++;
    }

    private void Add(HoconTokenKind kind, string text, HoconOrigin origin, bool optional = false)
        => _tokens.Add(new HoconToken(kind, text, origin, optional));

    private void Run()
    {
        while (!AtEnd)
        {
            var origin = Here;
            var c = Peek();
            if (c == '\n')
            {
                Advance();
                Add(HoconTokenKind.Newline, "\n", origin);
            }
            else if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (!AtEnd && Peek() != '\n') Advance();
            }
            else if (IsWhitespace(c))
            {
                var start = _pos;
                while (!AtEnd && IsWhitespace(Peek())) Advance();
                Add(HoconTokenKind.Whitespace, _text[start.._pos], origin);
            }
            else if (Single(c) is { } kind)
            {
                Advance();
                Add(kind, c.ToString(), origin);
            }
            else if (c == '+' && Peek(1) == '=')
            {
                Advance();
                Advance();
                Add(HoconTokenKind.PlusEquals, "+=", origin);
            }
            else if (c == '"' && Peek(1) == '"' && Peek(2) == '"')
            {
                Add(HoconTokenKind.Quoted, ReadTripleQuoted(origin), origin);
            }
            else if (c == '"')
            {
                Add(HoconTokenKind.Quoted, ReadQuoted(origin), origin);
            }
            else if (c == '$' && Peek(1) == '{')
            {
                ReadSubstitution(origin);
            }
            else
            {
                var start = _pos;
                while (!AtEnd && !EndsUnquoted()) Advance();
                Add(HoconTokenKind.Unquoted, _text[start.._pos], origin);
            }
        }
        Add(HoconTokenKind.EndOfFile, "", Here);
    }

    private static HoconTokenKind? Single(char c) => c switch
    {
        ',' => HoconTokenKind.Comma,
        '{' => HoconTokenKind.OpenBrace,
        '}' => HoconTokenKind.CloseBrace,
        '[' => HoconTokenKind.OpenBracket,
        ']' => HoconTokenKind.CloseBracket,
        '=' => HoconTokenKind.Equals,
        ':' => HoconTokenKind.Colon,
        _ => null,
    };

    // '\n' is not whitespace here because it separates fields; the BOM counts so files saved by Windows editors parse.
    private static bool IsWhitespace(char c) => c != '\n' && (char.IsWhiteSpace(c) || c == '\uFEFF');

    private bool EndsUnquoted()
    {
        var c = Peek();
        return c == '\n' || IsWhitespace(c) || c == '"' || c == '#' || Single(c) is not null
            || (c == '/' && Peek(1) == '/')
            || (c == '$' && Peek(1) == '{')
            || (c == '+' && Peek(1) == '=');
    }

    private string ReadQuoted(HoconOrigin origin)
    {
        Advance();
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd || Peek() == '\n')
                throw HoconException.At(origin, "unterminated quoted string (use \"\"\" for multi-line strings)");
            var c = Peek();
            if (c == '"')
            {
                Advance();
                return sb.ToString();
            }
            if (c != '\\')
            {
                sb.Append(c);
                Advance();
                continue;
            }
            var escapeOrigin = Here;
            Advance();
            var e = AtEnd ? '\0' : Peek();
            if (!AtEnd) Advance();
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length
                        || !int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                        throw HoconException.At(escapeOrigin, "invalid \\u escape: expected four hex digits");
                    for (var i = 0; i < 4; i++) Advance();
                    sb.Append((char)code);
                    break;
                default:
                    throw HoconException.At(escapeOrigin, $"invalid escape '\\{e}' in quoted string");
            }
        }
    }

    // Triple-quoted strings are raw: no escapes, newlines kept, and quotes just before the closing """ belong to the text.
    private string ReadTripleQuoted(HoconOrigin origin)
    {
        for (var i = 0; i < 3; i++) Advance();
        var start = _pos;
        while (!(Peek() == '"' && Peek(1) == '"' && Peek(2) == '"'))
        {
            if (AtEnd) throw HoconException.At(origin, "unterminated triple-quoted string");
            Advance();
        }
        while (Peek(3) == '"') Advance();
        var text = _text[start.._pos];
        for (var i = 0; i < 3; i++) Advance();
        return text;
    }

    private void ReadSubstitution(HoconOrigin origin)
    {
        Advance();
        Advance();
        var optional = Peek() == '?';
        if (optional) Advance();
        var start = _pos;
        while (Peek() != '}')
        {
            if (AtEnd || Peek() == '\n') throw HoconException.At(origin, "unterminated substitution: expected '}'");
            Advance();
        }
        var raw = _text[start.._pos].Trim();
        Advance();
        if (raw.Length == 0) throw HoconException.At(origin, "empty substitution ${}");
        Add(HoconTokenKind.Substitution, raw, origin, optional);
    }
}
