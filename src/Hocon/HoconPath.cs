using System.Text;

namespace Flock.Hocon;

/// <summary>
/// A key path such as <c>flock.seed."data.dir"</c>. Equality uses the canonical text so a dotted key
/// and the same key written with nested braces compare equal.
/// </summary>
internal sealed class HoconPath : IEquatable<HoconPath>
{
    public static readonly HoconPath Root = new([]);

    private readonly string[] _segments;

    public HoconPath(IEnumerable<string> segments)
    {
        _segments = segments.ToArray();
        Text = string.Join('.', _segments.Select(Quote));
    }

    public IReadOnlyList<string> Segments => _segments;

    public int Count => _segments.Length;

    public string Text { get; }

    public HoconPath Append(string segment) => new(_segments.Append(segment));

    public HoconPath Append(HoconPath other) => new(_segments.Concat(other._segments));

    public HoconPath Take(int count) => new(_segments.Take(count));

    public bool Equals(HoconPath? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as HoconPath);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    public override string ToString() => Text;

    /// <summary>Parses a path expression as written in getters and substitutions.</summary>
    public static HoconPath Parse(string text, HoconOrigin? origin = null)
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        var quotedPart = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                quotedPart = true;
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    // Only quote and backslash need escaping inside a path; other escapes are taken literally.
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    current.Append(text[i]);
                }
                if (i >= text.Length) throw HoconException.At(origin, $"unterminated quoted key in path '{text}'");
            }
            else if (c == '.')
            {
                Finish();
            }
            else
            {
                current.Append(c);
            }
        }
        Finish();
        return new HoconPath(segments);

        void Finish()
        {
            if (current.Length == 0 && !quotedPart)
                throw HoconException.At(origin, $"invalid path '{text}': empty key (quote it as \"\" if intended)");
            segments.Add(current.ToString());
            current.Clear();
            quotedPart = false;
        }
    }

    private static string Quote(string segment)
    {
        if (segment.Length > 0 && segment.All(c => char.IsLetterOrDigit(c) || c is '-' or '_'))
            return segment;
        return "\"" + segment.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
