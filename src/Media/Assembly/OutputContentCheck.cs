using System.Text;
using Flock.Media.Processes;
using Flock.Media.Verification;

namespace Flock.Media.Assembly;

/// <summary>How a file's keyframes are picked out to be decoded.</summary>
public enum KeyframeDecode
{
    /// <summary>
    /// The decoder skips every other frame itself (`-skip_frame nokey`): one ffmpeg for h264 and hevc, whose decoders
    /// honour it (they decode every intra picture, the keyframes among them, and only those).
    /// </summary>
    DecoderSkips,

    /// <summary>
    /// Every packet but the keyframes is dropped by a stream copy first, then the rest decoded: two ffmpegs, for the
    /// codecs whose decoders in ffmpeg 5.1 ignore `-skip_frame` (AV1, VP9), and any not known to honour it.
    /// </summary>
    PacketsDropped,
}

/// <summary>A chunk file's size and time as it was when its keyframes were hashed: a changed file is hashed again.</summary>
public readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
{
    public static FileStamp Of(string path)
    {
        var f = new FileInfo(path);
        return f.Exists ? new FileStamp(f.Length, f.LastWriteTimeUtc) : default;
    }
}

/// <summary>Chunks <paramref name="First"/> to <paramref name="Last"/> (their files as <paramref name="Files"/> stamped), and their keyframes hashed in order.</summary>
public sealed record KeyframeRun(int First, int Last, IReadOnlyList<string> Hashes, IReadOnlyList<FileStamp> Files);

/// <summary>
/// The joined output's pictures, not only its timestamps: every keyframe of the output (each chunk starts on one, so
/// every chunk boundary has one) is decoded and hashed, and must equal the same keyframe decoded from the verified
/// chunk files, in the same order. A chunk dropped, doubled, swapped or cut short at a join changes that sequence.
/// The chunk files themselves were checked against the source when they arrived (their frame hashes), so the chain
/// from source frame to delivered frame is checked end to end. Keyframes only: intra pictures decode alone, so both
/// decodes are exact whatever came before, and the check costs a few frames per chunk. For the same reason the chunks'
/// side can be hashed in runs of consecutive chunks, each decoded alone, and those hashed while the last chunks still
/// encode (<see cref="HashRunsAsync"/>), which leaves the output's own side, and the chunks not hashed by then, to one
/// ffmpeg after the join.
/// </summary>
public static class OutputContentCheck
{
    /// <summary>How the keyframes of what <paramref name="videoEncoder"/> writes are decoded: by the decoder's own skipping for h264 and hevc.</summary>
    public static KeyframeDecode DecodeFor(string videoEncoder) =>
        videoEncoder is "libx264" or "libx264rgb" or "libx265" or "libopenh264"
        || videoEncoder.StartsWith("h264_", StringComparison.Ordinal) || videoEncoder.StartsWith("hevc_", StringComparison.Ordinal)
            ? KeyframeDecode.DecoderSkips
            : KeyframeDecode.PacketsDropped;

    public static Task VerifyAsync(string output, IReadOnlyList<string> chunkFiles, KeyframeDecode how, string workDirectory, CancellationToken ct) =>
        VerifyAsync(output, chunkFiles, [], [(0, chunkFiles.Count - 1)], how, workDirectory, ct);

    /// <summary>
    /// The keyframes of each run of consecutive chunks (indexes into <paramref name="chunkFiles"/>), each run decoded
    /// alone, all in one ffmpeg (two where packets are dropped first). It needs only the chunk files, so the seed runs it
    /// while the job's last chunks encode and while it joins, and the output's own half is all that is left after the join.
    /// </summary>
    public static async Task<IReadOnlyList<KeyframeRun>> HashRunsAsync(IReadOnlyList<string> chunkFiles, IReadOnlyList<(int First, int Last)> runs, KeyframeDecode how,
        string workDirectory, CancellationToken ct)
    {
        if (runs.Count == 0) return [];
        Directory.CreateDirectory(workDirectory);
        var (inputs, lists, stamps) = await RunInputsAsync(chunkFiles, runs, workDirectory, ct).ConfigureAwait(false);
        try
        {
            var hashes = await KeyframeHashesAsync(inputs, how, workDirectory, ct).ConfigureAwait(false);
            return runs.Select((r, k) => new KeyframeRun(r.First, r.Last, hashes[k], stamps[k])).ToList();
        }
        finally
        {
            foreach (var list in lists) File.Delete(list);
        }
    }

    /// <param name="hashed">runs of <paramref name="chunkFiles"/> hashed before (<see cref="HashRunsAsync"/>, files unchanged since).</param>
    /// <param name="missing">the runs they leave out: hashed here, in the same ffmpeg as the output's keyframes.</param>
    public static async Task VerifyAsync(string output, IReadOnlyList<string> chunkFiles, IReadOnlyList<KeyframeRun> hashed, IReadOnlyList<(int First, int Last)> missing,
        KeyframeDecode how, string workDirectory, CancellationToken ct)
    {
        Directory.CreateDirectory(workDirectory);
        var (inputs, lists, stamps) = await RunInputsAsync(chunkFiles, missing, workDirectory, ct).ConfigureAwait(false);
        IReadOnlyList<IReadOnlyList<string>> all;
        try
        {
            all = await KeyframeHashesAsync([["-protocol_whitelist", "file", "-i", output], .. inputs], how, workDirectory, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var list in lists) File.Delete(list);
        }
        var actual = all[0];
        var chunkCount = chunkFiles.Count;
        var runs = hashed.Concat(missing.Select((r, k) => new KeyframeRun(r.First, r.Last, all[k + 1], stamps[k]))).OrderBy(r => r.First).ToList();
        if (runs.Count == 0 || runs[0].First != 0 || runs[^1].Last != chunkCount - 1 || runs.Zip(runs.Skip(1)).Any(p => p.Second.First != p.First.Last + 1))
            throw new MediaException($"output content check: the chunks' keyframes cover {string.Join(", ", runs.Select(r => $"{r.First}-{r.Last}"))} of chunks 0-{chunkCount - 1}");
        var expected = runs.SelectMany(r => r.Hashes).ToList();
        if (actual.Count < chunkCount)
            throw new MediaException($"output content check: {actual.Count} keyframes in the output for {chunkCount} chunks");
        if (FrameHashes.FirstDifference(actual, expected, Math.Max(actual.Count, expected.Count)) is { } k)
            throw new MediaException($"output content check: keyframe {k} of the output is not the verified chunks' keyframe {k} ({actual.Count} keyframes in the output, {expected.Count} in the chunks)");
    }

    /// <summary>Each run as one concat input (its list written into <paramref name="workDirectory"/>), and its files' stamps taken before any is read.</summary>
    private static async Task<(List<IReadOnlyList<string>> Inputs, List<string> Lists, List<IReadOnlyList<FileStamp>> Stamps)> RunInputsAsync(
        IReadOnlyList<string> chunkFiles, IReadOnlyList<(int First, int Last)> runs, string workDirectory, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var inputs = new List<IReadOnlyList<string>>();
        var lists = new List<string>();
        var stamps = new List<IReadOnlyList<FileStamp>>();
        for (var k = 0; k < runs.Count; k++)
        {
            var (first, last) = runs[k];
            var files = chunkFiles.Skip(first).Take(last - first + 1).ToList();
            // Stamped before hashing: a file replaced meanwhile then fails the stamp check and is hashed again.
            stamps.Add(files.Select(FileStamp.Of).ToList());
            var list = Path.Combine(workDirectory, $"keyframes-{id}-{k}.ffconcat");
            var sb = new StringBuilder("ffconcat version 1.0\n");
            foreach (var file in files) sb.Append("file '").Append(file.Replace("'", "'\\''", StringComparison.Ordinal)).Append("'\n");
            await File.WriteAllTextAsync(list, sb.ToString(), ct).ConfigureAwait(false);
            lists.Add(list);
            inputs.Add(["-f", "concat", "-safe", "0", "-protocol_whitelist", "file", "-i", list]);
        }
        return (inputs, lists, stamps);
    }

    /// <summary>The keyframe hashes of each input (its ffmpeg input arguments), in order.</summary>
    private static async Task<IReadOnlyList<IReadOnlyList<string>>> KeyframeHashesAsync(IReadOnlyList<IReadOnlyList<string>> inputs, KeyframeDecode how, string workDirectory, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var hashFiles = inputs.Select((_, k) => Path.Combine(workDirectory, $"keyframes-{id}-{k}.framehash")).ToArray();
        var nuts = inputs.Select((_, k) => Path.Combine(workDirectory, $"keyframes-{id}-{k}.nut")).ToArray();
        try
        {
            List<string> decode = ["-nostdin", "-hide_banner", "-v", "error", "-y"];
            if (how == KeyframeDecode.PacketsDropped)
            {
                // Stream copy keeps each packet's key flag, which the noise filter's drop expression reads.
                List<string> copy = ["-nostdin", "-hide_banner", "-v", "error", "-y"];
                foreach (var input in inputs) copy.AddRange(input);
                for (var k = 0; k < inputs.Count; k++) copy.AddRange(["-map", $"{k}:v:0", "-c", "copy", "-bsf:v", "noise=drop=not(key)", "-f", "nut", nuts[k]]);
                await Ffmpeg.RunCheckedAsync(copy, ct).ConfigureAwait(false);
                foreach (var nut in nuts) decode.AddRange(["-threads", "1", "-protocol_whitelist", "file", "-i", nut]);
            }
            else
            {
                foreach (var input in inputs) decode.AddRange(["-threads", "1", "-skip_frame", "nokey", .. input]);
            }
            for (var k = 0; k < inputs.Count; k++) decode.AddRange(["-map", $"{k}:v:0", "-fps_mode", "passthrough", "-f", "framehash", "-hash", "murmur3", hashFiles[k]]);
            await Ffmpeg.RunCheckedAsync(decode, ct).ConfigureAwait(false);
            var hashes = new List<IReadOnlyList<string>>();
            foreach (var file in hashFiles) hashes.Add(await FrameHashes.ReadAsync(file, ct).ConfigureAwait(false));
            return hashes;
        }
        finally
        {
            foreach (var file in hashFiles.Concat(nuts)) File.Delete(file);
        }
    }
}
