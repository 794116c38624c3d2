namespace Flock.Cli.Pbm.Output;

/// <summary>
/// Pipe-delimited rows. On a terminal the columns are padded to line up under a header; redirected, each row is
/// plain `a | b | c` with no header and no padding, so scripts can split on " | ".
/// </summary>
public static class TextTable
{
    public static IEnumerable<string> Render(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, bool terminal)
    {
        if (!terminal)
        {
            foreach (var row in rows)
            {
                yield return string.Join(JobFormatter.Separator, row);
            }

            yield break;
        }

        var widths = header.Select(h => h.Length).ToArray();
        foreach (var row in rows)
        {
            for (var i = 0; i < widths.Length && i < row.Count; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        yield return Line(header, widths);
        foreach (var row in rows)
        {
            yield return Line(row, widths);
        }
    }

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join(JobFormatter.Separator, cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
