using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Flock.Configuration;

/// <summary>
/// Puts environment variables into a HOCON text before Akka reads it. Akka's HOCON resolves `${path}` within the
/// configuration only: `${FLOCK_X}` is an unresolved substitution, and `x = ${?FLOCK_X}` sets x to null whether the
/// variable is set or not, wiping the default written above it. So substitutions whose name looks like an environment
/// variable (upper case, digits, underscores) are done here, with HOCON's meaning: a set variable becomes that
/// string value; an unset optional one (`x = ${?FLOCK_X}`) leaves the field out, so the earlier value stays; an
/// unset required one (`${FLOCK_X}`) is an error. Lower-case `${a.b}` stays Akka's.
/// </summary>
public static partial class EnvironmentSubstitution
{
    private static readonly JsonSerializerOptions Quoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Apply(string text, string source, Func<string, string?> env)
    {
        // A whole field `key = ${?NAME}` (on its own line, or after a comma or brace) whose variable is unset is removed.
        text = OptionalField().Replace(text, m =>
            QuotedOrCommented(text, m.Groups["key"].Index) || env(m.Groups["name"].Value) is not null ? m.Value : m.Groups["before"].Value);
        return Substitution().Replace(text, m =>
        {
            if (QuotedOrCommented(text, m.Index)) return m.Value;
            var name = m.Groups["name"].Value;
            if (env(name) is { } value) return JsonSerializer.Serialize(value, Quoting);
            throw m.Groups["optional"].Success
                ? new ConfigException($"{source}: ${{?{name}}} is unset and is not a whole value; write it as its own field, `key = ${{?{name}}}`")
                : new ConfigException($"{source}: environment variable {name} is not set (needed by ${{{name}}})");
        });
    }

    /// <summary>Inside a quoted string or after a comment marker on its line: places where HOCON substitutes nothing.</summary>
    private static bool QuotedOrCommented(string text, int index)
    {
        var lineStart = text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1;
        var quoted = false;
        for (var i = lineStart; i < index; i++)
        {
            if (quoted && text[i] == '\\') i++;
            else if (text[i] == '"') quoted = !quoted;
            else if (!quoted && (text[i] == '#' || (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/'))) return true;
        }
        return quoted;
    }

    [GeneratedRegex("""(?<before>(?:^|[{,])[ \t]*)(?<key>[^\s=:{}\[\],#"]+|"[^"\n]*")[ \t]*[=:][ \t]*\$\{\?(?<name>[A-Z_][A-Z0-9_]*)\}[ \t]*,?""", RegexOptions.Multiline)]
    private static partial Regex OptionalField();

    [GeneratedRegex("""\$\{(?<optional>\?)?(?<name>[A-Z_][A-Z0-9_]*)\}""")]
    private static partial Regex Substitution();
}
