using System.Globalization;
using System.Text;
using Xunit;

namespace Flock.Tests.Support;

/// <summary>
/// Proves that a distributed encode is indistinguishable from the careful single-machine reference:
/// same video frames at the same timestamps, same streams in the same order with the same codecs,
/// languages, titles and packet counts, same chapters and same global title.
/// </summary>
public static class MediaComparer
{
    /// <summary>Largest accepted difference between two sorted video timestamps (1 µs).</summary>
    public const double TimestampToleranceSeconds = 1e-6;

    /// <summary>Largest accepted difference between two chapter boundaries (1 ms).</summary>
    public const double ChapterToleranceSeconds = 1e-3;

    /// <summary>Probes both files and fails with every difference found (see <see cref="FindDifferences"/>).</summary>
    public static async Task AssertEquivalentAsync(string expectedPath, string actualPath, CancellationToken cancellationToken = default)
    {
        var expected = MediaReport.ReadAsync(expectedPath, cancellationToken);
        var actual = MediaReport.ReadAsync(actualPath, cancellationToken);
        AssertEquivalent(await expected.ConfigureAwait(false), await actual.ConfigureAwait(false));
    }

    /// <summary>Blocking form of <see cref="AssertEquivalentAsync"/>, for non-async callers.</summary>
    public static void AssertEquivalent(string expectedPath, string actualPath) =>
        Task.Run(() => AssertEquivalentAsync(expectedPath, actualPath)).GetAwaiter().GetResult();

    /// <summary>Fails (xunit) with a readable list of differences unless the reports are equivalent.</summary>
    public static void AssertEquivalent(MediaReport expected, MediaReport actual)
    {
        var differences = FindDifferences(expected, actual);
        if (differences.Count == 0)
        {
            return;
        }

        var message = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Media files differ ({differences.Count} difference(s)):")
            .AppendLine(CultureInfo.InvariantCulture, $"  expected: {expected.Path}")
            .AppendLine(CultureInfo.InvariantCulture, $"  actual:   {actual.Path}");
        foreach (var difference in differences)
        {
            message.AppendLine(CultureInfo.InvariantCulture, $"  - {difference}");
        }

        Assert.Fail(message.ToString());
    }

    /// <summary>Every way in which <paramref name="actual"/> differs from <paramref name="expected"/>; empty when equivalent.</summary>
    public static IReadOnlyList<string> FindDifferences(MediaReport expected, MediaReport actual)
    {
        var differences = new List<string>();
        CompareStreams(expected, actual, differences);
        CompareVideoFrames(expected, actual, differences);
        CompareChapters(expected, actual, differences);
        if (!string.Equals(expected.Title, actual.Title, StringComparison.Ordinal))
        {
            differences.Add($"global title: expected {Quote(expected.Title)}, actual {Quote(actual.Title)}");
        }

        return differences;
    }

    /// <summary>
    /// Per-frame PSNR (the <c>psnr_avg</c> of ffmpeg's psnr filter, in dB; +∞ for identical frames) of
    /// <paramref name="actual"/> against <paramref name="reference"/>, both restarted at timestamp 0.
    /// </summary>
    public static async Task<IReadOnlyList<double>> ReadFramePsnrAsync(string reference, string actual, CancellationToken cancellationToken = default)
    {
        var result = await FfmpegTool.FfmpegAsync(
            [
                "-loglevel", "error",
                "-i", actual,
                "-i", reference,
                "-lavfi", "[0:v]setpts=PTS-STARTPTS[a];[1:v]setpts=PTS-STARTPTS[b];[a][b]psnr=stats_file=-",
                "-f", "null", "-",
            ],
            cancellationToken: cancellationToken).ConfigureAwait(false);

        var values = new List<double>();
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var field = line.Split(' ').FirstOrDefault(f => f.StartsWith("psnr_avg:", StringComparison.Ordinal));
            if (field is null)
            {
                continue;
            }

            var text = field["psnr_avg:".Length..];
            values.Add(text.StartsWith("inf", StringComparison.OrdinalIgnoreCase)
                ? double.PositiveInfinity
                : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        if (values.Count == 0)
        {
            throw new InvalidDataException($"ffmpeg's psnr filter reported no frame comparing '{actual}' with '{reference}'.");
        }

        return values;
    }

    /// <summary>
    /// Fails unless every frame of <paramref name="actual"/> has a PSNR of at least <paramref name="minDb"/>
    /// against the same frame of <paramref name="reference"/>. A missing, duplicated or misplaced frame at
    /// a chunk boundary shows as a sharp drop.
    /// </summary>
    public static async Task AssertFramePsnrAtLeastAsync(string reference, string actual, double minDb, CancellationToken cancellationToken = default)
    {
        var values = await ReadFramePsnrAsync(reference, actual, cancellationToken).ConfigureAwait(false);
        var failures = values.Select((db, index) => (db, index)).Where(v => !(v.db >= minDb)).ToList();
        if (failures.Count == 0)
        {
            return;
        }

        var first = failures[0];
        var worst = failures.OrderBy(v => v.db).Take(5).Select(v => Invariant($"#{v.index}: {v.db:0.##} dB"));
        Assert.Fail(string.Create(
            CultureInfo.InvariantCulture,
            $"{failures.Count} of {values.Count} frame(s) of '{actual}' are below {minDb:0.##} dB PSNR against '{reference}'. " +
            $"First: frame #{first.index} at {first.db:0.##} dB. Worst: {string.Join(", ", worst)}."));
    }

    /// <summary>Blocking form of <see cref="AssertFramePsnrAtLeastAsync"/>.</summary>
    public static void AssertFramePsnrAtLeast(string reference, string actual, double minDb) =>
        Task.Run(() => AssertFramePsnrAtLeastAsync(reference, actual, minDb)).GetAwaiter().GetResult();

    private static void CompareStreams(MediaReport expected, MediaReport actual, List<string> differences)
    {
        foreach (var type in expected.Streams.Concat(actual.Streams).Select(s => s.CodecType).Distinct())
        {
            var e = expected.OfType(type);
            var a = actual.OfType(type);
            for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
            {
                if (i >= a.Count)
                {
                    differences.Add($"missing {type} stream {type}:{i} (expected {e[i]})");
                    continue;
                }

                if (i >= e.Count)
                {
                    differences.Add($"unexpected extra {type} stream {type}:{i} ({a[i]})");
                    continue;
                }

                CompareStream(type, i, e[i], a[i], differences);
            }
        }

        var expectedOrder = string.Join(", ", expected.Streams.Select(s => s.CodecType));
        var actualOrder = string.Join(", ", actual.Streams.Select(s => s.CodecType));
        if (expectedOrder != actualOrder)
        {
            differences.Add($"stream order: expected [{expectedOrder}], actual [{actualOrder}]");
        }
    }

    private static void CompareStream(string type, int i, StreamReport e, StreamReport a, List<string> differences)
    {
        var name = $"{type} stream {type}:{i}";
        void Check(string what, object? expected, object? actual)
        {
            if (!Equals(expected, actual))
            {
                differences.Add($"{name} {what}: expected {Quote(expected?.ToString())}, actual {Quote(actual?.ToString())}");
            }
        }

        Check("codec", e.CodecName, a.CodecName);
        Check("language", e.Language, a.Language);
        Check("title", e.Title, a.Title);
        switch (type)
        {
            case "video":
                Check("pixel format", e.PixelFormat, a.PixelFormat);
                Check("width", e.Width, a.Width);
                Check("height", e.Height, a.Height);
                break;
            case "audio":
            case "subtitle":
                Check("packet count", e.PacketCount, a.PacketCount);
                break;
        }
    }

    private static void CompareVideoFrames(MediaReport expected, MediaReport actual, List<string> differences)
    {
        var e = expected.VideoFrameTimestamps;
        var a = actual.VideoFrameTimestamps;
        if (e.Count != a.Count)
        {
            differences.Add($"video frame count: expected {e.Count}, actual {a.Count}");
        }

        for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
        {
            if (i >= e.Count || i >= a.Count || Math.Abs(e[i] - a[i]) > TimestampToleranceSeconds)
            {
                var context = Invariant($" (previous frame: expected {At(e, i - 1)}, actual {At(a, i - 1)})");
                differences.Add(Invariant($"first differing video frame #{i} (sorted by pts): expected {At(e, i)}, actual {At(a, i)}") + (i > 0 ? context : string.Empty));
                break;
            }
        }
    }

    private static void CompareChapters(MediaReport expected, MediaReport actual, List<string> differences)
    {
        var e = expected.Chapters;
        var a = actual.Chapters;
        if (e.Count != a.Count)
        {
            differences.Add($"chapter count: expected {e.Count} [{string.Join(", ", e)}], actual {a.Count} [{string.Join(", ", a)}]");
            return;
        }

        for (var i = 0; i < e.Count; i++)
        {
            if (!string.Equals(e[i].Title, a[i].Title, StringComparison.Ordinal)
                || Math.Abs(e[i].StartSeconds - a[i].StartSeconds) > ChapterToleranceSeconds
                || Math.Abs(e[i].EndSeconds - a[i].EndSeconds) > ChapterToleranceSeconds)
            {
                differences.Add($"chapter #{i}: expected {e[i]}, actual {a[i]}");
            }
        }
    }

    private static string At(IReadOnlyList<double> timestamps, int i) =>
        i >= 0 && i < timestamps.Count ? Invariant($"{timestamps[i]:0.000000} s") : "(none)";

    private static string Quote(string? text) => text is null ? "(none)" : $"\"{text}\"";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
