using System.Text;

namespace Flock.Hocon;

/// <summary>
/// Turns tokens into an unresolved tree. Duplicate keys are merged as they are read, so by the time the
/// resolver runs each field holds its final value or a <see cref="HoconDelayedMerge"/> chain.
/// </summary>
internal sealed class HoconParser
{
    private readonly List<HoconToken> _tokens;
    private readonly string _baseDirectory;
    private readonly IReadOnlyList<string> _includeChain;
    private int _index;

    private HoconParser(List<HoconToken> tokens, string baseDirectory, IReadOnlyList<string> includeChain)
    {
        _tokens = tokens;
        _baseDirectory = baseDirectory;
        _includeChain = includeChain;
    }

    /// <param name="prefix">Where the document is mounted, so self-references in included files know their full path.</param>
    /// <param name="includeChain">Full paths of the files being included, to report include cycles instead of overflowing the stack.</param>
    public static HoconObject Parse(string text, string? file, string baseDirectory, HoconPath prefix, IReadOnlyList<string> includeChain)
    {
        var parser = new HoconParser(HoconLexer.Tokenize(text, file), baseDirectory, includeChain);
        return parser.ParseDocument(prefix);
    }

    private HoconToken Peek => _tokens[_index];

    private HoconToken Next() => _tokens[_index++];

    private void SkipWhitespace()
    {
        while (Peek.Kind == HoconTokenKind.Whitespace) _index++;
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (Peek.Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline) _index++;
    }

    private static HoconException Error(HoconToken at, string message) => HoconException.At(at.Origin, message);

    private HoconObject ParseDocument(HoconPath prefix)
    {
        SkipWhitespaceAndNewlines();
        var first = Peek;
        var root = new HoconObject(first.Origin);
        if (first.Kind == HoconTokenKind.OpenBracket)
            throw Error(first, "a configuration document must be an object, not a list");
        if (first.Kind == HoconTokenKind.OpenBrace)
        {
            Next();
            ParseFields(root, braced: true, prefix);
            SkipWhitespaceAndNewlines();
            if (Peek.Kind != HoconTokenKind.EndOfFile)
                throw Error(Peek, $"expected end of file but found {Peek.Describe()}");
        }
        else
        {
            ParseFields(root, braced: false, prefix);
        }
        return root;
    }

    private void ParseFields(HoconObject target, bool braced, HoconPath prefix)
    {
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek;
            if (token.Kind == HoconTokenKind.CloseBrace)
            {
                if (!braced) throw Error(token, "unexpected '}' (no matching '{')");
                Next();
                return;
            }
            if (token.Kind == HoconTokenKind.EndOfFile)
            {
                if (braced) throw Error(token, "expected '}' but found end of file");
                return;
            }

            ParseField(target, prefix);

            SkipWhitespace();
            token = Peek;
            switch (token.Kind)
            {
                case HoconTokenKind.Comma:
                case HoconTokenKind.Newline:
                    Next();
                    break;
                case HoconTokenKind.CloseBrace:
                case HoconTokenKind.EndOfFile:
                    break;
                default:
                    throw Error(token, $"expected ',' or newline after a field but found {token.Describe()}");
            }
        }
    }

    private void ParseField(HoconObject target, HoconPath prefix)
    {
        var keyToken = Peek;
        if (keyToken is { Kind: HoconTokenKind.Unquoted, Text: "include" } && IsIncludeArgument(PeekPastWhitespace(1)))
        {
            ParseInclude(target, prefix);
            return;
        }

        var key = ParseKey();
        var fieldPath = prefix.Append(key);
        SkipWhitespace();
        var separator = Peek;
        HoconValue value;
        switch (separator.Kind)
        {
            case HoconTokenKind.Equals or HoconTokenKind.Colon:
                Next();
                SkipWhitespace();
                value = ParseValue(fieldPath);
                break;
            case HoconTokenKind.PlusEquals:
                Next();
                SkipWhitespace();
                // "a += x" is defined as "a = ${?a} [x]".
                var element = ParseValue(fieldPath);
                value = new HoconConcatenation(
                    [
                        new HoconSubstitution(fieldPath, fieldPath.Text, optional: true, fieldPath, separator.Origin, readsEnvironment: false),
                        new HoconArray([element], element.Origin),
                    ],
                    separator.Origin);
                break;
            case HoconTokenKind.OpenBrace:
                value = ParseValue(fieldPath);
                break;
            default:
                throw Error(separator, $"expected '=', ':' or '{{' after key '{key}' but found {separator.Describe()}");
        }

        for (var i = key.Count - 1; i > 0; i--)
        {
            var wrapper = new HoconObject(keyToken.Origin);
            wrapper.Set(key.Segments[i], value);
            value = wrapper;
        }
        HoconMerge.MergeField(target, key.Segments[0], value);
    }

    private HoconToken PeekPastWhitespace(int offset)
    {
        var i = _index + offset;
        while (_tokens[i].Kind == HoconTokenKind.Whitespace) i++;
        return _tokens[i];
    }

    private static bool IsIncludeArgument(HoconToken token)
        => token.Kind == HoconTokenKind.Quoted
           || token is { Kind: HoconTokenKind.Unquoted, Text: "required(" or "file(" };

    /// <summary>Keys are unquoted text split on dots plus quoted parts kept whole, so <c>a."b.c"</c> has two segments.</summary>
    private HoconPath ParseKey()
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        var hasQuotedPart = false;
        var any = false;
        string? pendingWhitespace = null;
        while (true)
        {
            var token = Peek;
            if (token.Kind == HoconTokenKind.Whitespace)
            {
                pendingWhitespace = token.Text;
                Next();
                continue;
            }
            if (token.Kind is not (HoconTokenKind.Unquoted or HoconTokenKind.Quoted))
            {
                if (!any) throw Error(token, $"expected a key but found {token.Describe()}");
                break;
            }
            Next();
            if (any && pendingWhitespace is not null) current.Append(pendingWhitespace);
            pendingWhitespace = null;
            any = true;
            if (token.Kind == HoconTokenKind.Quoted)
            {
                current.Append(token.Text);
                hasQuotedPart = true;
                continue;
            }
            var pieces = token.Text.Split('.');
            current.Append(pieces[0]);
            for (var i = 1; i < pieces.Length; i++)
            {
                FinishSegment(token);
                current.Append(pieces[i]);
            }
        }
        FinishSegment(Peek);
        return new HoconPath(segments);

        void FinishSegment(HoconToken at)
        {
            if (current.Length == 0 && !hasQuotedPart)
                throw Error(at, "empty key segment (a key cannot start or end with '.' or contain '..')");
            segments.Add(current.ToString());
            current.Clear();
            hasQuotedPart = false;
        }
    }

    private void ParseInclude(HoconObject target, HoconPath prefix)
    {
        var includeToken = Next();
        SkipWhitespace();
        var wrapped = Peek.Kind == HoconTokenKind.Unquoted;
        if (wrapped) Next();
        var nameToken = Next();
        if (nameToken.Kind != HoconTokenKind.Quoted)
            throw Error(nameToken, $"expected a quoted file name after include but found {nameToken.Describe()}");
        if (wrapped)
        {
            var close = Next();
            if (close is not { Kind: HoconTokenKind.Unquoted, Text: ")" })
                throw Error(close, $"expected ')' but found {close.Describe()}");
        }

        var path = Path.Combine(_baseDirectory, nameToken.Text);
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw Error(nameToken, $"included file not found: {fullPath}");
        if (_includeChain.Contains(fullPath, StringComparer.Ordinal))
            throw Error(includeToken, $"include cycle: {string.Join(" -> ", _includeChain.Append(fullPath))}");

        var included = Parse(
            File.ReadAllText(fullPath),
            path,
            Path.GetDirectoryName(fullPath)!,
            prefix,
            [.. _includeChain, fullPath]);
        foreach (var (key, value) in included)
            HoconMerge.MergeField(target, key, value);
    }

    /// <summary>
    /// Reads the adjacent values up to the end of the field; more than one value makes a concatenation.
    /// </summary>
    private HoconValue ParseValue(HoconPath fieldPath)
    {
        var start = Peek;
        var parts = new List<HoconValue>();
        while (true)
        {
            var token = Peek;
            switch (token.Kind)
            {
                case HoconTokenKind.Unquoted:
                    Next();
                    parts.Add(new HoconScalar(token.Text == "null" ? null : token.Text, token.Origin));
                    continue;
                case HoconTokenKind.Quoted:
                    Next();
                    parts.Add(new HoconScalar(token.Text, token.Origin));
                    continue;
                case HoconTokenKind.Whitespace:
                    Next();
                    parts.Add(new HoconWhitespace(token.Text, token.Origin));
                    continue;
                case HoconTokenKind.Substitution:
                    Next();
                    parts.Add(new HoconSubstitution(HoconPath.Parse(token.Text, token.Origin), token.Text, token.Optional, fieldPath, token.Origin));
                    continue;
                case HoconTokenKind.OpenBrace:
                    Next();
                    var obj = new HoconObject(token.Origin);
                    ParseFields(obj, braced: true, fieldPath);
                    parts.Add(obj);
                    continue;
                case HoconTokenKind.OpenBracket:
                    parts.Add(ParseArray(fieldPath));
                    continue;
                case HoconTokenKind.Equals or HoconTokenKind.Colon or HoconTokenKind.PlusEquals:
                    throw Error(token, $"unexpected '{token.Text}' in a value (quote strings that contain '{token.Text}')");
            }
            break;
        }

        while (parts.Count > 0 && parts[^1] is HoconWhitespace) parts.RemoveAt(parts.Count - 1);
        if (parts.Count == 0) throw Error(Peek, $"expected a value but found {Peek.Describe()}");
        if (parts.Count == 1) return parts[0];
        if (parts.TrueForAll(p => p is HoconScalar or HoconWhitespace))
        {
            // Plain text concatenation can be settled now; it also makes later duplicates replace it without a merge.
            var text = string.Concat(parts.Select(p => p is HoconWhitespace w ? w.Text : ((HoconScalar)p).Value ?? "null"));
            return new HoconScalar(text, start.Origin);
        }
        return new HoconConcatenation(parts, start.Origin);
    }

    private HoconArray ParseArray(HoconPath fieldPath)
    {
        var open = Next();
        var items = new List<HoconValue>();
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek;
            if (token.Kind == HoconTokenKind.CloseBracket)
            {
                Next();
                return new HoconArray(items, open.Origin);
            }
            if (token.Kind == HoconTokenKind.EndOfFile)
                throw Error(token, "expected ']' but found end of file");

            items.Add(ParseValue(fieldPath));

            SkipWhitespace();
            token = Peek;
            switch (token.Kind)
            {
                case HoconTokenKind.Comma:
                case HoconTokenKind.Newline:
                    Next();
                    break;
                case HoconTokenKind.CloseBracket:
                case HoconTokenKind.EndOfFile:
                    break;
                default:
                    throw Error(token, $"expected ',' or ']' in a list but found {token.Describe()}");
            }
        }
    }
}
