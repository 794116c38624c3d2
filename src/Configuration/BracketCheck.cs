namespace Flock.Configuration;

/// <summary>
/// Refuses unbalanced braces and brackets before Akka's HOCON parser sees the text. That parser never returns on some
/// of them (a list closed by `}`, a list left open at the end, a `\` between list items): it loops, allocating, until
/// memory runs out — measured at 10 GB within a minute — so a typo in a configuration file would hang a starting seed.
/// The same goes for a substitution that is no path (`${?H[OME}`), a stray `$`, and for `=`, `:` or another character HOCON forbids unquoted, directly in a list.
/// Strings, substitutions and comments are skipped as HOCON reads them.
/// </summary>
internal static class BracketCheck
{
    public static void Check(string text, string source)
    {
        var open = new Stack<(char Bracket, int Line, int Column)>();
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    lineStart = i + 1;
                    break;
                case '#':
                    i = EndOfLine(text, i);
                    break;
                case '/' when At(text, i + 1, "/"):
                    i = EndOfLine(text, i);
                    break;
                case '"' when At(text, i, "\"\"\""):
                    var close = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                    if (close < 0) throw Error(source, line, i - lineStart, "a \"\"\" string is never closed");
                    // Extra quotes just before the closing ones belong to the string.
                    while (close + 3 < text.Length && text[close + 3] == '"') close++;
                    for (var j = i; j < close; j++)
                    {
                        if (text[j] == '\n') { line++; lineStart = j + 1; }
                    }
                    i = close + 2;
                    break;
                case '"':
                    var j2 = i + 1;
                    while (j2 < text.Length && text[j2] != '"' && text[j2] != '\n') j2 += text[j2] == '\\' ? 2 : 1;
                    if (j2 >= text.Length || text[j2] != '"') throw Error(source, line, i - lineStart, "a quoted string is never closed on its line");
                    i = j2;
                    break;
                case '$' when At(text, i + 1, "{"):
                    var end = text.IndexOfAny(['}', '\n'], i + 2);
                    if (end < 0 || text[end] != '}') throw Error(source, line, i - lineStart, "a ${ substitution is never closed on its line");
                    var path = text.AsSpan(i + 2, end - i - 2);
                    if (path.StartsWith("?")) path = path[1..];
                    if (path.IsEmpty || path.ContainsAnyExcept(SubstitutionPath)) throw Error(source, line, i - lineStart, $"'${{{path}}}' is not a path");
                    i = end;
                    break;
                case '{' or '[':
                    open.Push((c, line, i - lineStart));
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0) throw Error(source, line, i - lineStart, $"'{c}' closes nothing");
                    var (bracket, l, col) = open.Pop();
                    if (bracket != expected) throw Error(source, line, i - lineStart, $"'{c}' cannot close the '{bracket}' opened at line {l}:{col + 1}");
                    break;
                case '\\':
                    throw Error(source, line, i - lineStart, "'\\' outside a quoted string");
                case '$':
                    throw Error(source, line, i - lineStart, "'$' outside a quoted string that starts no ${ substitution");
                case '=' or ':' or '?' or '!' or '@' or '*' or '&' or '^' or '`' when open.TryPeek(out var innermost) && innermost.Bracket == '[':
                    throw Error(source, line, i - lineStart, $"'{c}' in a list outside a quoted string");
            }
        }
        if (open.Count > 0)
        {
            var (bracket, l, col) = open.Peek();
            throw new ConfigException($"{source}:{l}:{col + 1}: '{bracket}' is never closed");
        }
    }

    // A path as Akka resolves it: keys joined by dots, optionally quoted.
    private static readonly System.Buffers.SearchValues<char> SubstitutionPath =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.\" ");

    private static bool At(string text, int index, string what) => string.CompareOrdinal(text, index, what, 0, what.Length) == 0;

    private static int EndOfLine(string text, int i)
    {
        var end = text.IndexOf('\n', i);
        return end < 0 ? text.Length : end - 1;
    }

    private static ConfigException Error(string source, int line, int column, string what) => new($"{source}:{line}:{column + 1}: {what}");
}
