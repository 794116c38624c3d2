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
/// decodes are exact whatever came before, and the check costs a few frames per chunk.
/// </summary>
public static class OutputContentCheck
{
    public static async Task VerifyAsync(string output, IReadOnlyList<string> chunkFiles, string workDirectory, CancellationToken ct)
    {
        Directory.CreateDirectory(workDirectory);
        var list = Path.Combine(workDirectory, "content-check.ffconcat");
        var sb = new StringBuilder("ffconcat version 1.0\n");
        foreach (var file in chunkFiles) sb.Append("file '").Append(file.Replace("'", "'\\''", StringComparison.Ordinal)).Append("'\n");
        await File.WriteAllTextAsync(list, sb.ToString(), ct).ConfigureAwait(false);
        var fromOutput = KeyframeHashesAsync(["-i", output], ct);
        var fromChunks = KeyframeHashesAsync(["-f", "concat", "-safe", "0", "-protocol_whitelist", "file", "-i", list], ct);
        var (actual, expected) = (await fromOutput.ConfigureAwait(false), await fromChunks.ConfigureAwait(false));
        if (actual.Count < chunkFiles.Count)
            throw new MediaException($"output content check: {actual.Count} keyframes in the output for {chunkFiles.Count} chunks");
        if (FrameHashes.FirstDifference(actual, expected, Math.Max(actual.Count, expected.Count)) is { } k)
            throw new MediaException($"output content check: keyframe {k} of the output is not the verified chunks' keyframe {k} ({actual.Count} keyframes in the output, {expected.Count} in the chunks)");
    }

    private static async Task<IReadOnlyList<string>> KeyframeHashesAsync(IReadOnlyList<string> input, CancellationToken ct)
    {
        var r = await Ffmpeg.RunCheckedAsync(
            ["-nostdin", "-hide_banner", "-v", "error", "-skip_frame", "nokey", "-threads", "1", .. input, "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "framehash", "-hash", "murmur3", "-"],
            ct).ConfigureAwait(false);
        return FrameHashes.Parse(r.StandardOutput.Split('\n'));
    }
}
