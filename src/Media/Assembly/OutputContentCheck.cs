using System.Text;
using Flock.Media.Processes;
using Flock.Media.Verification;

namespace Flock.Media.Assembly;

/// <summary>
/// The joined output's pictures, not only its timestamps: every keyframe of the output (each chunk starts on one, so
/// every chunk boundary has one) is decoded and hashed, and must equal the same keyframe decoded from the verified
/// chunk files, in the same order. A chunk dropped, doubled, swapped or cut short at a join changes that sequence.
/// The chunk files themselves were checked against the source when they arrived (their frame hashes), so the chain
/// from source frame to delivered frame is checked end to end. Keyframes only: intra pictures decode alone, so both
/// decodes are exact whatever came before, and the check costs a few frames per chunk. The keyframes are first copied
/// out of the stream and only they are decoded: ffmpeg 5.1's AV1 and VP9 decoders ignore `-skip_frame nokey`, and
/// the Matroska and concat demuxers `-discard nokey`, so a decode of the whole stream would decode every frame.
/// </summary>
public static class OutputContentCheck
{
    public static Task VerifyAsync(string output, IReadOnlyList<string> chunkFiles, string workDirectory, CancellationToken ct) =>
        VerifyAsync(output, chunkFiles.Count, ChunkKeyframesAsync(chunkFiles, workDirectory, ct), workDirectory, ct);

    /// <summary>
    /// The verified chunks' keyframes, hashed in order. It needs only the chunk files, so the seed starts it while it
    /// joins them and the output's own half is all that is left after the join.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ChunkKeyframesAsync(IReadOnlyList<string> chunkFiles, string workDirectory, CancellationToken ct)
    {
        Directory.CreateDirectory(workDirectory);
        var list = Path.Combine(workDirectory, "content-check.ffconcat");
        var sb = new StringBuilder("ffconcat version 1.0\n");
        foreach (var file in chunkFiles) sb.Append("file '").Append(file.Replace("'", "'\\''", StringComparison.Ordinal)).Append("'\n");
        await File.WriteAllTextAsync(list, sb.ToString(), ct).ConfigureAwait(false);
        return await KeyframeHashesAsync(["-f", "concat", "-safe", "0", "-protocol_whitelist", "file", "-i", list], Path.Combine(workDirectory, "chunk-keyframes.nut"), ct)
            .ConfigureAwait(false);
    }

    /// <param name="chunkKeyframes">from <see cref="ChunkKeyframesAsync"/> over the <paramref name="chunkCount"/> chunk files joined into <paramref name="output"/>.</param>
    public static async Task VerifyAsync(string output, int chunkCount, Task<IReadOnlyList<string>> chunkKeyframes, string workDirectory, CancellationToken ct)
    {
        Directory.CreateDirectory(workDirectory);
        var actual = await KeyframeHashesAsync(["-i", output], Path.Combine(workDirectory, "output-keyframes.nut"), ct).ConfigureAwait(false);
        var expected = await chunkKeyframes.ConfigureAwait(false);
        if (actual.Count < chunkCount)
            throw new MediaException($"output content check: {actual.Count} keyframes in the output for {chunkCount} chunks");
        if (FrameHashes.FirstDifference(actual, expected, Math.Max(actual.Count, expected.Count)) is { } k)
            throw new MediaException($"output content check: keyframe {k} of the output is not the verified chunks' keyframe {k} ({actual.Count} keyframes in the output, {expected.Count} in the chunks)");
    }

    private static async Task<IReadOnlyList<string>> KeyframeHashesAsync(IReadOnlyList<string> input, string keyframes, CancellationToken ct)
    {
        try
        {
            // Stream copy keeps each packet's key flag, which the noise filter's drop expression reads.
            await Ffmpeg.RunCheckedAsync(
                ["-nostdin", "-hide_banner", "-v", "error", "-y", .. input, "-map", "0:v:0", "-c", "copy", "-bsf:v", "noise=drop=not(key)", "-f", "nut", keyframes],
                ct).ConfigureAwait(false);
            var r = await Ffmpeg.RunCheckedAsync(
                ["-nostdin", "-hide_banner", "-v", "error", "-threads", "1", "-protocol_whitelist", "file", "-i", keyframes, "-map", "0:v:0", "-fps_mode", "passthrough",
                 "-f", "framehash", "-hash", "murmur3", "-"],
                ct).ConfigureAwait(false);
            return FrameHashes.Parse(r.StandardOutput.Split('\n'));
        }
        finally
        {
            if (File.Exists(keyframes)) File.Delete(keyframes);
        }
    }
}
