namespace Flock.Media.Verification;

/// <summary>ffmpeg's framehash (and framemd5) output: one line per frame (stream, dts, pts, duration, size, hash) after '#' headers.</summary>
public static class FrameHashes
{
    public static IReadOnlyList<string> Parse(IEnumerable<string> lines)
    {
        var hashes = new List<string>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (!IsFrameLine(line)) continue;
            var comma = line.LastIndexOf(',');
            if (comma < 0) throw new FormatException($"not a framehash line: '{line}'");
            hashes.Add(line[(comma + 1)..].Trim());
        }
        return hashes;
    }

    /// <summary>Whether a (trimmed) line of such output describes a frame, not a '#' header or a blank.</summary>
    public static bool IsFrameLine(string line) => line.Length > 0 && line[0] != '#';

    public static async Task<IReadOnlyList<string>> ReadAsync(string path, CancellationToken ct) =>
        Parse(await File.ReadAllLinesAsync(path, ct).ConfigureAwait(false));

    /// <summary>The first of the first <paramref name="count"/> positions where the two lists differ (a missing frame differs); null when they agree.</summary>
    public static int? FirstDifference(IReadOnlyList<string> actual, IReadOnlyList<string> expected, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var a = i < actual.Count ? actual[i] : null;
            var e = i < expected.Count ? expected[i] : null;
            if (a is null && e is null) return null;
            if (!string.Equals(a, e, StringComparison.Ordinal)) return i;
        }
        return null;
    }
}
