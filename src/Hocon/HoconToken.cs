namespace Flock.Hocon;

internal enum HoconTokenKind
{
    EndOfFile,
    Newline,
    Whitespace,
    Comma,
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Equals,
    Colon,
    PlusEquals,
    Unquoted,
    Quoted,
    Substitution,
}

/// <summary>
/// Whitespace and newlines are tokens because HOCON gives them meaning: newlines separate fields, and
/// spaces between values survive string concatenation (<c>250 ms</c>).
/// </summary>
internal readonly record struct HoconToken(HoconTokenKind Kind, string Text, HoconOrigin Origin, bool Optional = false)
{
    public string Describe() => Kind switch
    {
        HoconTokenKind.EndOfFile => "end of file",
        HoconTokenKind.Newline => "newline",
        HoconTokenKind.Whitespace => "whitespace",
        HoconTokenKind.Quoted => $"string \"{Text}\"",
        HoconTokenKind.Substitution => $"substitution ${{{(Optional ? "?" : "")}{Text}}}",
        _ => $"'{Text}'",
    };
}
