using System.Globalization;
using Flock.Media.Encoding;
using Flock.Media.Processes;
using Flock.Messages.Chunks;

namespace Flock.Node.Encoding;

/// <summary>Runs ffmpeg for one assignment, reading the source from the seed over HTTP ranges.</summary>
public static class ChunkEncoder
{
    public static async Task<string> EncodeAsync(AssignChunk a, Uri seed, string transferToken, string workDir, int threads,
        Action<FfmpegProgress> onProgress, CancellationToken ct)
    {
        Directory.CreateDirectory(workDir);
        var output = Path.Combine(workDir, $"job{a.JobId}-chunk{a.ChunkIndex}-attempt{a.Attempt}.mp4");
        var video = a.VideoOptions.ToList();
        if (threads > 0) video.AddRange(["-threads", threads.ToString(CultureInfo.InvariantCulture)]);
        var spec = new ChunkEncodeSpec(new Uri(seed, a.SourcePath).ToString(), $"Bearer {transferToken}", a.SeekSeconds, a.StreamIndex, a.TimeBaseDenominator, a.StartPts, a.EndPts,
            video, a.VideoFilter, output);
        var parser = new FfmpegProgressParser();
        var result = await ProcessRunner.RunAsync(Ffmpeg.FfmpegPath, ChunkEncodeArguments.Build(spec), ct,
            line => { if (parser.Feed(line) is { } p) onProgress(p); }, captureStdout: false).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            if (File.Exists(output)) File.Delete(output);
            throw new MediaException($"ffmpeg failed on chunk {a.ChunkIndex}: {result.LastErrorLine}", result.StandardErrorTail);
        }
        return output;
    }
}
