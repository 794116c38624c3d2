using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Flock.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Flock.Tests.Integration;

/// <summary>
/// Each chunk's source bytes cross the wire about once: the seed's own sent-bytes counter, over a whole multi-chunk
/// job, stays within 1.15x the source plus the pre-roll each chunk decodes from its entry keyframe, chunks fetched
/// ahead while they wait included.
/// </summary>
public sealed class SourceTransferTests(ITestOutputHelper output)
{
    private const double Allowance = 1.15;


    /// <summary>Range reads the seed may answer per chunk, over the job (the first chunk reads everything it needs itself).</summary>
    private const int ReadsPerChunk = 5;

    [Theory]
    [InlineData(".mp4", false)] // moov at the end: every node reads the index from the file's tail
    [InlineData(".mkv", false)]
    [InlineData(".mp4", true)] // two passes over every chunk, the first chunk's included, still read its bytes once
    public async Task A_job_should_send_nodes_each_chunks_source_bytes_about_once(string extension, bool twoPass)
    {
        using var cluster = new TestCluster();
        await cluster.StartSeedAsync();
        var source = cluster.Scratch.File("source" + extension);
        // 1 s GOPs at a bitrate where the container's index and each node's stream-info reads are small beside a chunk.
        await FfmpegTool.FfmpegAsync([
            "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=36", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=36",
            "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-sc_threshold", "0",
            "-b:v", "6M", "-maxrate", "6M", "-bufsize", "3M", "-c:a", "aac", "-b:a", "64k", source]);
        if (extension == ".mp4") Assert.True(IndexAtTheEnd(source), "the MP4 source should have its moov after its mdat");
        var size = new FileInfo(source).Length;
        var node = await cluster.StartNodeAsync("node-t");

        var before = await SentBytesAsync(cluster);
        var readsBefore = await cluster.MetricAsync("flock_source_reads_total");
        string[] options = twoPass ? ["-c:v", "libx264", "-preset", "ultrafast", "-b:v", "1M", "-pass", "2"] : ["-c:v", "libx264", "-preset", "ultrafast"];
        var id = await cluster.SubmitDetachedAsync(source, cluster.Scratch.File("out" + extension), 6, options);
        var wait = await cluster.PbmAsync("job", "wait", id);
        Assert.True(wait.ExitCode == 0, wait.Stdout + wait.Stderr);
        var sent = await SentBytesAsync(cluster) - before;
        var reads = await cluster.MetricAsync("flock_source_reads_total") - readsBefore;
        // The chunk waiting behind the one encoding had its bytes fetched meanwhile, and that cost no byte more.
        Assert.Contains("(its source bytes fetched while it waited)", node.Output, StringComparison.Ordinal);

        var (chunks, preRoll) = await PreRollBytesAsync(Path.Combine(cluster.DataDir, "jobs", id, "plan.json"), source);
        Assert.True(chunks >= 5, $"the job should have several chunks, got {chunks}");
        // A two-pass job runs ffmpeg two or three times per chunk; its index reads cross once per node, as a one-pass
        // job's do (before they were kept on the node, 1.09x on 6 chunks and 1.16x on 8, and the test allowed 1.25x).
        var limit = Allowance * size + preRoll;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{extension}{(twoPass ? " two-pass" : "")}: source {size} bytes in {chunks} chunks, pre-roll {preRoll}, sent {sent} ({sent / (double)size:0.000}x), limit {limit:0}, {reads} reads"));
        Assert.True(sent <= limit, string.Create(CultureInfo.InvariantCulture, $"the seed sent {sent} bytes for a {size}-byte source ({sent / (double)size:0.00}x; limit {limit:0})"));
        // What every chunk reads (header, stream-info reads, the index at the end) is read from the seed once per node,
        // and the read just past a chunk's end comes with its bytes: each read the seed answers is two round trips on the
        // node's link. Before, 6.8 reads a chunk here (MP4), 11.4 (Matroska) and 12.8 (two-pass); now 3, 4.3 and 1.5.
        Assert.True(reads <= ReadsPerChunk * chunks, $"the node asked the seed {reads} times for {chunks} chunks (at most {ReadsPerChunk} a chunk)");
                // Every chunk was read: the counter is not blind.
        Assert.True(sent >= 0.9 * size, $"the seed counted {sent} bytes for a {size}-byte source");
    }

    private static Task<double> SentBytesAsync(TestCluster cluster) => cluster.MetricAsync("flock_source_sent_bytes_total");


    /// <summary>
    /// The chunks of the seed's plan and the bytes a node decodes before each one's first frame: from the keyframe at or
    /// before its start to that frame, read from the source's own packets (not the seed's index).
    /// </summary>
    private static async Task<(int Chunks, long Bytes)> PreRollBytesAsync(string planFile, string source)
    {
        using var plan = JsonDocument.Parse(await File.ReadAllTextAsync(planFile));
        var root = plan.RootElement.GetProperty("Plan");
        var stream = root.GetProperty("StreamIndex").GetInt32();
        var starts = root.GetProperty("Chunks").EnumerateArray().Select(c => c.GetProperty("StartPts").GetInt64()).ToList();
        var probe = await FfmpegTool.FfprobeAsync(["-v", "error", "-select_streams", stream.ToString(CultureInfo.InvariantCulture),
            "-show_entries", "packet=pts,pos,flags", "-of", "csv=p=0", source]);
        var packets = probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(','))
            .Select(f => (Pts: long.Parse(f[0], CultureInfo.InvariantCulture), Pos: long.Parse(f[1], CultureInfo.InvariantCulture), Key: f[2].Contains('K')))
            .OrderBy(p => p.Pts).ToList();
        long bytes = 0;
        foreach (var start in starts.Skip(1))
        {
            var first = packets.First(p => p.Pts >= start);
            var entry = packets.Last(p => p.Key && p.Pts <= start);
            bytes += Math.Max(0, first.Pos - entry.Pos);
        }
        return (starts.Count, bytes);
    }

    /// <summary>Whether the file's top-level moov box comes after its mdat.</summary>
    private static bool IndexAtTheEnd(string mp4)
    {
        using var file = File.OpenRead(mp4);
        var header = new byte[16];
        long at = 0, mdat = -1, moov = -1;
        while (at + 8 <= file.Length)
        {
            file.Position = at;
            file.ReadExactly(header, 0, 8);
            long length = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = System.Text.Encoding.ASCII.GetString(header, 4, 4);
            if (length == 1)
            {
                file.ReadExactly(header, 8, 8);
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
            }
            if (type == "mdat") mdat = at;
            if (type == "moov") moov = at;
            if (length < 8) break;
            at += length;
        }
        return mdat >= 0 && moov > mdat;
    }
}
