using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace Flock.Tests.Support;

/// <summary>A strict reader of the Prometheus text format, so a malformed /metrics fails the test that scrapes it.</summary>
public sealed partial class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                parsed._types[parts[2]] = parts[3];
                continue;
            }
            if (line.StartsWith('#')) continue;
            var m = SampleLine().Match(line);
            Assert.True(m.Success, $"not a Prometheus sample line: {line}");
            var labels = LabelPair().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
            var name = m.Groups["name"].Value;
            // A gauge may itself end in _count (dotnet_assembly_count): only a histogram's samples take suffixes.
            var family = parsed._types.ContainsKey(name) ? name : FamilyOf(name);
            Assert.True(parsed._types.ContainsKey(family), $"{name} has no TYPE line before it");
            parsed._samples.Add((name, labels, double.Parse(m.Groups["value"].Value.Replace("+Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture)));
        }
        return parsed;
    }

    public string? TypeOf(string family) => _types.GetValueOrDefault(family);

    /// <summary>The value of the one sample with this name and these labels (fails when absent).</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var match = _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        Assert.True(match.Count == 1, $"expected one sample {name}{{{string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"))}}}, found {match.Count}");
        return match[0].Value;
    }

    private static string FamilyOf(string name)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            if (name.EndsWith(suffix, StringComparison.Ordinal)) return name[..^suffix.Length];
        return name;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|\+Inf|NaN)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
